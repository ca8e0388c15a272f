import { describe, expect, it } from "vitest";
import { safeCallbackUrl, safeRedirectUrl, signInUrl } from "./callback-url";

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

  // Regression (#16): these start with a single "/" but resolve to "//evil.example" in a browser.
  it("refuses paths that resolve to another host after dot segments", () => {
    for (const bad of ["/.//evil.example", "/%2e//evil.example", "/%2E//evil.example", "/./\\evil.example", "/a/..//evil.example", "/\tevil", "/\t/evil.example"]) {
      expect(safeCallbackUrl(bad)).toBe("/dashboard");
    }
  });

  it("next-auth's redirect callback keeps only same-origin targets", () => {
    const base = "http://localhost:3000";
    expect(safeRedirectUrl("/servers/x?tab=files", base)).toBe("http://localhost:3000/servers/x?tab=files");
    expect(safeRedirectUrl("http://localhost:3000/billing", base)).toBe("http://localhost:3000/billing");
    expect(safeRedirectUrl("/", base)).toBe("http://localhost:3000/");
    for (const bad of ["https://evil.example/", "//evil.example", "/.//evil.example", "/%2e//evil.example", "/\\evil.example", "http://localhost:3001/x", "javascript:alert(1)"]) {
      expect(safeRedirectUrl(bad, base)).toBe("http://localhost:3000/dashboard");
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
