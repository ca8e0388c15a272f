import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { securityHeadersRoute } from "./security-headers";

function run(https: boolean, dev = false, reqHeaders: Record<string, string> = {}) {
  const set: Record<string, string> = {};
  const req = { headers: { ...reqHeaders } } as unknown as IncomingMessage;
  const res = { setHeader: (k: string, v: string) => (set[k] = v) } as unknown as ServerResponse;
  expect(securityHeadersRoute(() => https, dev)(req, res)).toBe(false);
  return { set, req };
}

const nonceOf = (csp: string) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];

describe("security headers", () => {
  it("forbid framing and sniffing and trim referrers on every portal response", () => {
    const h = run(false).set;
    expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(h["x-frame-options"]).toBe("DENY");
    expect(h["x-content-type-options"]).toBe("nosniff");
    expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
    expect(h["strict-transport-security"]).toBeUndefined();
  });

  it("add HSTS only when the portal is served over https", () => {
    expect(run(true).set["strict-transport-security"]).toBe("max-age=31536000");
  });

  it("let only scripts with this response's nonce run: a fresh one each time, no inline or eval in production", () => {
    const a = run(false).set["content-security-policy"]!;
    const b = run(false).set["content-security-policy"]!;
    expect(a).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic';/);
    expect(nonceOf(a)).not.toBe(nonceOf(b));
    expect(a).not.toContain("unsafe-inline");
    expect(a).not.toContain("unsafe-eval");
    expect(run(false, true).set["content-security-policy"]).toContain("'unsafe-eval'");
  });

  it("hand Next the same policy on the request, over whatever nonce the client sent", () => {
    const { set, req } = run(false, false, { "content-security-policy": "script-src 'nonce-chosenbytheclient'" });
    expect(req.headers["content-security-policy"]).toBe(set["content-security-policy"]);
    expect(req.headers["content-security-policy"]).not.toContain("chosenbytheclient");
  });
});
