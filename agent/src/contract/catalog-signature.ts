import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

/**
 * Catalog integrity: `catalog.json.sig` holds the base64 ed25519 signature of the exact bytes of
 * `catalog.json`. Public keys travel as base64 SPKI DER (one line, fits a flag or env var).
 */
export function generateCatalogKeyPair(): { publicKey: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

export function signCatalog(catalogBytes: Buffer, privateKeyPem: string): string {
  return sign(null, catalogBytes, createPrivateKey(privateKeyPem)).toString("base64");
}

function publicKeyFrom(encoded: string): KeyObject {
  const trimmed = encoded.trim();
  if (trimmed.startsWith("-----BEGIN")) return createPublicKey(trimmed);
  return createPublicKey({ key: Buffer.from(trimmed, "base64"), format: "der", type: "spki" });
}

export function verifyCatalogSignature(catalogBytes: Buffer, signatureB64: string, publicKey: string): boolean {
  try {
    return verify(null, catalogBytes, publicKeyFrom(publicKey), Buffer.from(signatureB64.trim(), "base64"));
  } catch {
    return false;
  }
}
