import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { securityHeadersRoute } from "./security-headers";

function run(https: boolean): Record<string, string> {
  const set: Record<string, string> = {};
  const res = { setHeader: (k: string, v: string) => (set[k] = v) } as unknown as ServerResponse;
  expect(securityHeadersRoute(() => https)({} as never, res)).toBe(false);
  return set;
}

describe("security headers", () => {
  it("forbid framing and sniffing and trim referrers on every portal response", () => {
    const h = run(false);
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["strict-transport-security"]).toBeUndefined();
  });

  it("add HSTS only when the portal is served over https", () => {
    expect(run(true)["strict-transport-security"]).toBe("max-age=31536000");
  });
});
