import { describe, expect, it } from "vitest";
import { SignJWT } from "jose";
import { deriveKey } from "./keys";
import { consumeIdeToken, signIdeToken, verifyIdeToken, type JtiStore } from "./token";

const SECRET = "ab".repeat(32);
const key = deriveKey(SECRET, "zlh/ide-token/v1");
const t0 = new Date("2026-11-26T12:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

function memoryStore(): JtiStore {
  const used = new Set<string>();
  return {
    async markUsed(jti) {
      if (used.has(jti)) return false;
      used.add(jti);
      return true;
    },
  };
}

describe("IDE token", () => {
  it("round-trips vmid, user, jti and expiry", async () => {
    const { token, claims } = await signIdeToken(key, { vmid: 6070, userId: "user_a", now: t0 });
    expect(claims.expiresAt.getTime() - t0.getTime()).toBe(60_000);
    const r = await verifyIdeToken(key, token, { vmid: 6070, now: at(5) });
    expect(r).toEqual({ ok: true, claims });
  });

  it("never lives longer than 60 s", async () => {
    const { claims } = await signIdeToken(key, { vmid: 6070, userId: "u", ttlSeconds: 3600, now: t0 });
    expect(claims.expiresAt.getTime() - t0.getTime()).toBe(60_000);
  });

  it("refuses an expired token", async () => {
    const { token } = await signIdeToken(key, { vmid: 6070, userId: "u", now: t0 });
    expect(await verifyIdeToken(key, token, { vmid: 6070, now: at(60) })).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a token presented to another vmid's host", async () => {
    const { token } = await signIdeToken(key, { vmid: 6070, userId: "u", now: t0 });
    expect(await verifyIdeToken(key, token, { vmid: 6071, now: at(1) })).toEqual({ ok: false, reason: "wrong-host" });
  });

  it("refuses tampered tokens and other keys", async () => {
    const { token } = await signIdeToken(key, { vmid: 6070, userId: "user_a", now: t0 });
    const [h, p, s] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "user_b" })).toString("base64url");
    expect(await verifyIdeToken(key, `${h}.${forged}.${s}`, { vmid: 6070, now: at(1) })).toEqual({ ok: false, reason: "invalid" });
    const flipped = s.slice(0, -2) + (s.at(-2) === "A" ? "B" : "A") + s.at(-1);
    expect(await verifyIdeToken(key, `${h}.${p}.${flipped}`, { vmid: 6070, now: at(1) })).toEqual({ ok: false, reason: "invalid" });
    const sessionKey = deriveKey(SECRET, "zlh/ide-session/v1");
    expect(await verifyIdeToken(sessionKey, token, { vmid: 6070, now: at(1) })).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyIdeToken(key, "not-a-jwt", { vmid: 6070, now: at(1) })).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyIdeToken(key, "x".repeat(5000), { vmid: 6070, now: at(1) })).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses alg none and tokens for another purpose or with a long life", async () => {
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: "zlh-ide+jwt" })).toString("base64url")}.${Buffer.from(
      JSON.stringify({ sub: "u", vmid: 6070, purpose: "ide", jti: "x".repeat(20), iat: 0, exp: 9e9 }),
    ).toString("base64url")}.`;
    expect(await verifyIdeToken(key, none, { vmid: 6070, now: at(1) })).toEqual({ ok: false, reason: "invalid" });
    const iat = Math.floor(t0.getTime() / 1000);
    const sign = (claims: Record<string, unknown>, exp: number) =>
      new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "zlh-ide+jwt" }).setSubject("u").setJti("j".repeat(20))
        .setIssuedAt(iat).setExpirationTime(exp).sign(key);
    expect(await verifyIdeToken(key, await sign({ vmid: 6070, purpose: "console" }, iat + 30), { vmid: 6070, now: at(1) }))
      .toEqual({ ok: false, reason: "invalid" });
    expect(await verifyIdeToken(key, await sign({ vmid: 6070, purpose: "ide" }, iat + 3600), { vmid: 6070, now: at(1) }))
      .toEqual({ ok: false, reason: "invalid" });
  });

  it("is usable once: a replay is refused", async () => {
    const store = memoryStore();
    const { token } = await signIdeToken(key, { vmid: 6070, userId: "u", now: t0 });
    expect((await consumeIdeToken(key, store, token, { vmid: 6070, now: at(1) })).ok).toBe(true);
    expect(await consumeIdeToken(key, store, token, { vmid: 6070, now: at(2) })).toEqual({ ok: false, reason: "replayed" });
  });

  it("does not burn the jti of a token refused for another reason", async () => {
    const store = memoryStore();
    const { token } = await signIdeToken(key, { vmid: 6070, userId: "u", now: t0 });
    expect(await consumeIdeToken(key, store, token, { vmid: 6071, now: at(1) })).toEqual({ ok: false, reason: "wrong-host" });
    expect((await consumeIdeToken(key, store, token, { vmid: 6070, now: at(1) })).ok).toBe(true);
  });
});
