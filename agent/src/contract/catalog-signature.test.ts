import { describe, expect, it } from "vitest";
import { generateCatalogKeyPair, signCatalog, verifyCatalogSignature } from "./catalog-signature";

describe("catalog signature", () => {
  const keys = generateCatalogKeyPair();
  const body = Buffer.from('{"schemaVersion":1}');
  it("verifies a catalog signed with the matching key", () => {
    expect(verifyCatalogSignature(body, signCatalog(body, keys.privateKeyPem), keys.publicKey)).toBe(true);
  });
  it("refuses a tampered catalog", () => {
    const sig = signCatalog(body, keys.privateKeyPem);
    expect(verifyCatalogSignature(Buffer.from('{"schemaVersion":2}'), sig, keys.publicKey)).toBe(false);
  });
  it("refuses a signature from another key", () => {
    const other = generateCatalogKeyPair();
    expect(verifyCatalogSignature(body, signCatalog(body, other.privateKeyPem), keys.publicKey)).toBe(false);
  });
  it("refuses garbage signatures and keys", () => {
    expect(verifyCatalogSignature(body, "not-base64!!", keys.publicKey)).toBe(false);
    expect(verifyCatalogSignature(body, signCatalog(body, keys.privateKeyPem), "garbage")).toBe(false);
  });
});
