import { describe, expect, it } from "vitest";
import { safeCallbackUrl, signInUrl } from "./callback-url";

describe("callback URLs", () => {
  it("keeps same-site paths with their query", () => {
    expect(safeCallbackUrl("/settings")).toBe("/settings");
    expect(safeCallbackUrl("/servers/abc?tab=console#x")).toBe("/servers/abc?tab=console#x");
    expect(safeCallbackUrl(["/billing", "/other"])).toBe("/billing");
  });

  it("refuses anything that could leave the site", () => {
    for (const bad of ["https://evil.test/", "//evil.test", "/\\evil.test", "javascript:alert(1)", "evil", "", undefined, null]) {
      expect(safeCallbackUrl(bad)).toBe("/dashboard");
    }
  });

  it("never sends the user back to an auth page", () => {
    expect(safeCallbackUrl("/signin?callbackUrl=/x")).toBe("/dashboard");
    expect(safeCallbackUrl("/signup")).toBe("/dashboard");
    expect(safeCallbackUrl("/signing-bonus")).toBe("/signing-bonus");
  });

  it("builds the sign-in URL that comes back", () => {
    expect(signInUrl("/settings")).toBe("/signin?callbackUrl=%2Fsettings");
    expect(signInUrl("/dashboard")).toBe("/signin?callbackUrl=%2Fdashboard");
    expect(signInUrl("//evil.test")).toBe("/signin");
  });
});
