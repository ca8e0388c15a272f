import { createPrivateKey, createPublicKey } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import { generateCatalogKeyPair } from "../../../agent/src/contract/catalog-signature";
import { artifactsConfig } from "./config";

/**
 * The catalog signing key. ZLH_ARTIFACTS_SIGNING_KEY (PEM) wins; otherwise one ed25519 key is
 * generated once at <data>/artifacts-signing.pem (0600) and kept: agents are given its public half.
 */
export function signingKeyFile(dataDir: string): string {
  return path.join(dataDir, "artifacts-signing.pem");
}

export function signingKeyPem(dataDir: string, create = true): string | undefined {
  const fromEnv = artifactsConfig().ZLH_ARTIFACTS_SIGNING_KEY;
  if (fromEnv) return fromEnv.replace(/\\n/g, "\n");
  const file = signingKeyFile(dataDir);
  if (existsSync(file)) return readFileSync(file, "utf8");
  if (!create) return undefined;
  mkdirSync(dataDir, { recursive: true });
  const { privateKeyPem } = generateCatalogKeyPair();
  try {
    // "wx": when two processes race to create it, exactly one key wins and both read that one.
    const fd = openSync(file, "wx", 0o600);
    try {
      writeSync(fd, privateKeyPem);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return readFileSync(file, "utf8");
}

/** base64 SPKI DER of a private key's public half (the format agents take as --catalog-public-key). */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(createPrivateKey(privateKeyPem)).export({ type: "spki", format: "der" }).toString("base64");
}

/**
 * The public key agents must verify catalogs with. ZLH_ARTIFACTS_PUBLIC_KEY when the catalog is
 * signed elsewhere (a remote store whose private key this portal does not hold); otherwise the
 * public half of this portal's signing key.
 */
export function getCatalogPublicKey(dataDir = artifactsConfig().dataDir): string {
  const explicit = artifactsConfig().ZLH_ARTIFACTS_PUBLIC_KEY;
  if (explicit) return explicit.trim();
  return publicKeyOf(signingKeyPem(dataDir)!);
}
