import { describe, expect, it } from "vitest";
import { defaultParams, hashPassword, needsRehash, parseHash, scryptWork, verifyPassword, type ScryptParams } from "./password";

// Cheap parameters keep the unit tests fast; the format and logic are the same as the defaults'.
const fast: ScryptParams = { log2N: 10, r: 8, p: 1, keyLength: 32 };

describe("password hashing", () => {
  it("verifies the right password and rejects a wrong one", async () => {
    const stored = await hashPassword("correct horse battery", fast);
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("salts every hash and stores its parameters", async () => {
    const a = await hashPassword("same password", fast);
    const b = await hashPassword("same password", fast);
    expect(a).not.toBe(b);
    expect(a.startsWith("scrypt$10$8$1$")).toBe(true);
    const parsed = parseHash(a)!;
    expect(parsed.params).toEqual(fast);
    expect(parsed.salt.length).toBe(16);
  });

  it("uses the default parameters when none are given", async () => {
    const stored = await hashPassword("default params pw");
    expect(stored.startsWith("scrypt$16$8$2$")).toBe(true);
    expect(await verifyPassword("default params pw", stored)).toBe(true);
    expect(needsRehash(stored)).toBe(false);
  });

  it("treats unicode forms of the same password alike", async () => {
    const stored = await hashPassword("caf\u00e9-password", fast);
    expect(await verifyPassword("cafe\u0301-password", stored)).toBe(true);
  });

  it("rejects malformed or tampered hashes instead of throwing", async () => {
    expect(await verifyPassword("x", "")).toBe(false);
    expect(await verifyPassword("x", "bcrypt$10$abc")).toBe(false);
    // An absurd cost factor would allocate far too much memory: refused at parse time.
    expect(parseHash("scrypt$30$8$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).toBeNull();
    const stored = await hashPassword("tamper me please", fast);
    const parts = stored.split("$");
    parts[5] = Buffer.alloc(32, 1).toString("base64url");
    expect(await verifyPassword("tamper me please", parts.join("$"))).toBe(false);
  });

  // Regression (#16): the default was 2^15/8/1, half of OWASP's minimum work (2^17 * 8 * 1).
  it("hashes new passwords with at least OWASP's scrypt work and rehashes the old default", async () => {
    expect(scryptWork(defaultParams)).toBeGreaterThanOrEqual(scryptWork({ log2N: 17, r: 8, p: 1 }));
    expect(needsRehash(await hashPassword("old default pw", { log2N: 15, r: 8, p: 1, keyLength: 32 }))).toBe(true);
  });

  it("asks for a rehash when parameters are weaker than the defaults", async () => {
    expect(needsRehash(await hashPassword("weak params pw", fast))).toBe(true);
    expect(needsRehash("garbage")).toBe(true);
  });
});
