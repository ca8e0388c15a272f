import { describe, expect, it } from "vitest";
import { ACTION_PATTERN, REDACTED, auditData, cutField } from "./redact";

describe("audit data", () => {
  it("replaces fields whose names look like secrets, at any depth", () => {
    const out = auditData({
      email: "a@example.test",
      password: "hunter2",
      nested: { apiKey: "k", api_key: "k", privateKey: "pk", ideToken: "t", Authorization: "Bearer x", list: [{ secret: "s", ok: 1 }] },
      cookie: "c",
    });
    expect(out).toEqual({
      email: "a@example.test",
      password: REDACTED,
      nested: { apiKey: REDACTED, api_key: REDACTED, privateKey: REDACTED, ideToken: REDACTED, Authorization: REDACTED, list: [{ secret: REDACTED, ok: 1 }] },
      cookie: REDACTED,
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|Bearer|"pk"/);
  });

  it("keeps public facts: fingerprints, ids, reasons", () => {
    expect(auditData({ fingerprint: "SHA256:abc", serverId: "s1", reason: "abuse" })).toEqual({ fingerprint: "SHA256:abc", serverId: "s1", reason: "abuse" });
  });

  it("bounds strings, depth, keys and total size", () => {
    const long = "x".repeat(2000);
    expect((auditData({ long }) as { long: string }).long.length).toBeLessThanOrEqual(501);
    expect(auditData({ a: { b: { c: { d: { e: 1 } } } } })).toEqual({ a: { b: { c: { d: "[nested]" } } } });
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(auditData(many) as object)).toHaveLength(40);
    const big = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, "y".repeat(400)]));
    expect(auditData(big)).toMatchObject({ truncated: true });
  });

  it("drops what JSON cannot hold and stores nothing for empty data", () => {
    expect(auditData(undefined)).toBeNull();
    expect(auditData(null)).toBeNull();
    expect(auditData({ f: () => 1, n: Number.NaN, d: new Date(0), b: 10n })).toEqual({ n: "NaN", d: "1970-01-01T00:00:00.000Z", b: "10" });
  });

  it("accepts dotted action names only", () => {
    expect(ACTION_PATTERN.test("auth.sign_in")).toBe(true);
    expect(ACTION_PATTERN.test("admin.artifact_promote")).toBe(true);
    for (const bad of ["signin", "Auth.sign_in", "auth.", "a b.c", "auth.sign-in"]) expect(ACTION_PATTERN.test(bad)).toBe(false);
  });

  it("cuts fields and stores empty as null", () => {
    expect(cutField("")).toBeNull();
    expect(cutField(undefined)).toBeNull();
    expect(cutField("abc", 2)).toBe("ab");
  });
});
