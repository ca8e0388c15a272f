import { describe, expect, it } from "vitest";
import { deriveKey } from "./keys";
import { decodeIdeSession, encodeIdeSession, ideCookieName, ideSessionSetCookie, readCookie } from "./session-cookie";

const key = deriveKey("cd".repeat(32), "zlh/ide-session/v1");
const t0 = new Date("2026-11-26T12:00:00Z");
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe("IDE session cookie", () => {
  it("round-trips vmid and user with a 12 h lifetime", () => {
    const v = encodeIdeSession(key, { vmid: 6070, userId: "cku1", now: t0 });
    expect(decodeIdeSession(key, v, { vmid: 6070, now: at(3600) })).toEqual({ vmid: 6070, userId: "cku1", expiresAt: at(12 * 3600) });
  });

  it("expires", () => {
    const v = encodeIdeSession(key, { vmid: 6070, userId: "u", now: t0 });
    expect(decodeIdeSession(key, v, { vmid: 6070, now: at(12 * 3600) })).toBeNull();
    expect(encodeIdeSession(key, { vmid: 6070, userId: "u", now: t0, ttlSeconds: 10 * 86400 }))
      .toBe(encodeIdeSession(key, { vmid: 6070, userId: "u", now: t0 }));
  });

  it("is refused on another vmid's host", () => {
    const v = encodeIdeSession(key, { vmid: 6070, userId: "u", now: t0 });
    expect(decodeIdeSession(key, v, { vmid: 6071, now: at(1) })).toBeNull();
  });

  it("refuses tampering: another user, another vmid, another expiry, another key", () => {
    const v = encodeIdeSession(key, { vmid: 6070, userId: "user_a", now: t0 });
    const [vm, u, exp, sig] = v.split(".") as [string, string, string, string];
    const b = Buffer.from("user_b").toString("base64url");
    expect(decodeIdeSession(key, `${vm}.${b}.${exp}.${sig}`, { vmid: 6070, now: at(1) })).toBeNull();
    expect(decodeIdeSession(key, `6071.${u}.${exp}.${sig}`, { vmid: 6071, now: at(1) })).toBeNull();
    expect(decodeIdeSession(key, `${vm}.${u}.${Number(exp) + 1}.${sig}`, { vmid: 6070, now: at(1) })).toBeNull();
    const other = deriveKey("cd".repeat(32), "zlh/ide-token/v1");
    expect(decodeIdeSession(other, v, { vmid: 6070, now: at(1) })).toBeNull();
    for (const junk of ["", "a.b.c.d", `${v}x`, `${v}.x`, v.replace(/\./g, ":")]) expect(decodeIdeSession(key, junk, { vmid: 6070, now: at(1) })).toBeNull();
  });

  it("sets a host-only, HttpOnly, SameSite=Lax cookie, Secure and __Host- under https", () => {
    const http = ideSessionSetCookie("v", false);
    expect(http).toBe("zlh_ide=v; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax");
    expect(http).not.toMatch(/Domain=/i);
    expect(ideSessionSetCookie("v", true)).toBe("__Host-zlh_ide=v; Path=/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure");
    expect(ideCookieName(true)).toBe("__Host-zlh_ide");
  });

  it("reads one cookie from a header", () => {
    expect(readCookie("a=1; zlh_ide=abc.def; b=2", "zlh_ide")).toBe("abc.def");
    expect(readCookie("xzlh_ide=1", "zlh_ide")).toBeUndefined();
    expect(readCookie(undefined, "zlh_ide")).toBeUndefined();
  });
});
