import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptToken, encryptToken, generateAgentToken, parseSecretKey } from "./token-codec";

describe("agent token codec", () => {
  const key = randomBytes(32);
  it("generates 32 random bytes as hex, different each time", () => {
    const a = generateAgentToken();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(generateAgentToken()).not.toBe(a);
  });
  it("round-trips and never stores the token in clear", () => {
    const t = generateAgentToken();
    const enc = encryptToken(t, key, "srv1");
    expect(enc).not.toContain(t);
    expect(decryptToken(enc, key, "srv1")).toBe(t);
    expect(encryptToken(t, key, "srv1")).not.toBe(enc); // fresh IV each time
  });
  it("refuses another key, another server and tampering", () => {
    const enc = encryptToken("secret-token-value", key, "srv1");
    expect(() => decryptToken(enc, randomBytes(32), "srv1")).toThrow(/does not decrypt/);
    expect(() => decryptToken(enc, key, "srv2")).toThrow(/does not decrypt/);
    const parts = enc.split(".");
    parts[3] = Buffer.from("x" + Buffer.from(parts[3]!, "base64url").toString("latin1").slice(1), "latin1").toString("base64url");
    expect(() => decryptToken(parts.join("."), key, "srv1")).toThrow(/does not decrypt/);
    expect(() => decryptToken("v0.a.b.c", key, "srv1")).toThrow(/unrecognised/);
  });
  it("validates the secret key", () => {
    expect(parseSecretKey("ab".repeat(32))).toHaveLength(32);
    expect(() => parseSecretKey("short")).toThrow(/64 hex/);
    expect(() => parseSecretKey(undefined)).toThrow(/64 hex/);
  });
});
