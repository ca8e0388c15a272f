import { describe, expect, it } from "vitest";
import { createRefusal } from "./entitlements";
import { planById } from "./plans";

const free = planById("free").limits;
const starter = planById("starter").limits;

describe("createRefusal", () => {
  it("lets a new user try one small server on the free plan", () => {
    expect(createRefusal(free, { game: 0, dev: 0 }, { kind: "game", memoryMb: 1024, enableCodeServer: false })).toBeNull();
  });

  it("names the total-server limit once the free server exists", () => {
    expect(createRefusal(free, { game: 1, dev: 0 }, { kind: "dev", memoryMb: 512, enableCodeServer: true })).toBe("Your plan allows 1 server in total.");
  });

  it("names the per-kind limit", () => {
    expect(createRefusal(starter, { game: 2, dev: 0 }, { kind: "game", memoryMb: 1024, enableCodeServer: false })).toBe("Your plan allows 2 game servers.");
  });

  it("names the memory limit", () => {
    expect(createRefusal(free, { game: 0, dev: 0 }, { kind: "game", memoryMb: 2048, enableCodeServer: false })).toBe(
      "Your plan allows 1024 MB of memory per server.",
    );
  });

  it("refuses the browser IDE on a plan without it", () => {
    expect(createRefusal({ ...free, codeServer: false }, { game: 0, dev: 0 }, { kind: "dev", memoryMb: 512, enableCodeServer: true })).toBe(
      "Your plan does not include the browser IDE.",
    );
  });
});
