import { describe, expect, it } from "vitest";
import type { ArtifactEntry } from "../../../agent/src/contract";
import { addEntry, emptyCatalog } from "../artifacts/catalog-ops";
import { modOptions } from "./catalog-addons";

const mod = (name: string, version: string, game: string): ArtifactEntry => ({
  kind: "mod", name, version, game, os: "linux", arch: "any", url: `mod/${name}/${version}/${name}.jar`, sha256: version.padEnd(64, "0").slice(0, 64).replace(/\./g, "a"), size: 1, bin: [],
});

describe("mods offered for a game", () => {
  it("lists only the catalog's mods for this game (by artifact or template), newest first, with channels", () => {
    let c = emptyCatalog();
    c = addEntry(c, mod("worldedit", "7.2.0", "flying-squid"), ["stable"]).catalog;
    c = addEntry(c, mod("worldedit", "7.3.0", "flying-squid"), ["beta"]).catalog;
    c = addEntry(c, mod("essentials", "2.0.0", "paper"), ["stable"]).catalog;
    const opts = modOptions(c, { artifact: "flying-squid" });
    expect(opts.map((o) => o.name)).toEqual(["worldedit"]);
    expect(opts[0]!.versions.map((v) => [v.version, v.channels])).toEqual([["7.3.0", ["beta"]], ["7.2.0", ["stable"]]]);
    expect(modOptions(c, { artifact: "x", template: "paper" }).map((o) => o.name)).toEqual(["essentials"]);
  });
});
