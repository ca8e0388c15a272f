import { describe, expect, it } from "vitest";
import { upgradeOwner } from "./upgrade-policy";

describe("upgradeOwner", () => {
  it("leaves only Next's hot-reload socket to Next, and only in development", () => {
    expect(upgradeOwner("/_next/hmr", true)).toBe("next");
    expect(upgradeOwner("/_next/webpack-hmr?page=/x", true)).toBe("next");
    expect(upgradeOwner("/_next/hmr", false)).toBe("routes");
  });

  // Regression (#16): every /_next/* upgrade was left to Next, which left unknown ones open forever.
  it("sends every other /_next path to our routes (which close what they do not take)", () => {
    for (const url of ["/_next/webpack-hmr-probe", "/_next/hmr-x", "/_next/static/x.js", "/_next/", "/_next/hmr/../x"]) {
      expect(upgradeOwner(url, true), url).toBe("routes");
      expect(upgradeOwner(url, false), url).toBe("routes");
    }
    expect(upgradeOwner(undefined, true)).toBe("routes");
  });
});
