import { describe, expect, it } from "vitest";
import { templateFor } from "../../../agent/src/game/templates";
import { FLYING_SQUID_LAUNCHER_FILES } from "./flying-squid";

describe("flying-squid artifact", () => {
  it("keeps every launcher file it packs out of game backups (a restore of an older backup must not remove one)", () => {
    for (const f of FLYING_SQUID_LAUNCHER_FILES) expect(templateFor("flying-squid").backup.excludes).toContain(f);
  });
});
