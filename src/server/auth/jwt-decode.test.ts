import { randomBytes } from "node:crypto";
import { decode, encode, type JWT, type JWTDecodeParams } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { createTokenDecoder } from "./jwt-decode";

const secret = randomBytes(32).toString("base64url");

/** next-auth's own decode, counting its calls. */
function counting(inner: (p: JWTDecodeParams) => Promise<JWT | null> = decode) {
  const c = { calls: 0, decode: async (p: JWTDecodeParams) => (c.calls++, inner(p)) };
  return c;
}

describe("session token decoder", () => {
  it("answers what next-auth's decode answers, and decrypts a token once", async () => {
    const token = await encode({ token: { sub: "u1", email: "a@example.test", sv: 2 }, secret });
    const c = counting();
    const d = createTokenDecoder({ decode: c.decode });
    const first = await d({ token, secret });
    expect(first).toEqual(await decode({ token, secret }));
    expect(first).toMatchObject({ sub: "u1", email: "a@example.test", sv: 2 });
    expect(await d({ token, secret })).toBe(first);
    expect(c.calls).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("refuses a token under another secret even after it was opened under the right one", async () => {
    const token = await encode({ token: { sub: "u1" }, secret });
    const d = createTokenDecoder();
    await d({ token, secret });
    await expect(d({ token, secret: randomBytes(32).toString("base64url") })).rejects.toThrow();
  });

  it("keeps nothing that failed: a forged or tampered token is decrypted (and refused) every time", async () => {
    const token = await encode({ token: { sub: "u1" }, secret });
    const tampered = `${token.slice(0, -3)}${token.endsWith("A") ? "B" : "A"}${token.slice(-2)}`;
    const c = counting();
    const d = createTokenDecoder({ decode: c.decode });
    await expect(d({ token: tampered, secret })).rejects.toThrow();
    await expect(d({ token: tampered, secret })).rejects.toThrow();
    expect(c.calls).toBe(2);
  });

  it("lets a remembered token expire with next-auth's clock tolerance, and after its time in memory", async () => {
    let now = 1_000_000_000_000;
    const c = counting(async () => ({ sub: "u1", exp: now / 1000 + 60 }));
    const d = createTokenDecoder({ decode: c.decode, now: () => now, ttlMs: 1_000_000 });
    await d({ token: "t", secret });
    now += 74_000;
    await d({ token: "t", secret });
    expect(c.calls).toBe(1);
    now += 2_000;
    await d({ token: "t", secret });
    expect(c.calls).toBe(2);

    const short = createTokenDecoder({ decode: c.decode, now: () => now, ttlMs: 1_000 });
    await short({ token: "t", secret });
    now += 1_000;
    await short({ token: "t", secret });
    expect(c.calls).toBe(4);
  });

  it("stays within its size, dropping the oldest token first", async () => {
    const c = counting(async (p) => ({ sub: p.token, exp: Date.now() / 1000 + 60 }));
    const d = createTokenDecoder({ decode: c.decode, max: 2 });
    for (const t of ["a", "b", "c", "b", "a"]) await d({ token: t, secret });
    // a, b, c decoded; c pushed a out; b still held; a decoded again.
    expect(c.calls).toBe(4);
  });

  it("leaves salted tokens (not session tokens) to next-auth", async () => {
    const c = counting(async () => ({ sub: "x", exp: Date.now() / 1000 + 60 }));
    const d = createTokenDecoder({ decode: c.decode });
    await d({ token: "t", secret, salt: "other" });
    await d({ token: "t", secret, salt: "other" });
    expect(c.calls).toBe(2);
  });
});
