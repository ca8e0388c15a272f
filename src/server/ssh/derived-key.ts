import { createPrivateKey, createPublicKey, hkdfSync } from "node:crypto";

/**
 * Ed25519 keys derived from the portal's secret (HKDF, one label per use), written in OpenSSH's
 * private key format (ssh2 reads no PKCS#8). Derived rather than generated and stored: every portal
 * instance presents the same gateway host key and logs in to containers with the same key, with
 * nothing to persist or share.
 */
export type DerivedKey = { privateKey: string; publicKey: string };

const PKCS8_ED25519 = Buffer.from("302e020100300506032b657004220420", "hex");

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const str = (b: Buffer | string) => {
  const buf = typeof b === "string" ? Buffer.from(b) : b;
  return Buffer.concat([u32(buf.length), buf]);
};

export function deriveEd25519(secret: Buffer, label: string, comment = label): DerivedKey {
  const seed = Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), `zlh ${label}`, 32));
  const key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: "der", type: "pkcs8" });
  const pub = createPublicKey(key).export({ format: "der", type: "spki" }).subarray(-32);
  const pubBlob = Buffer.concat([str("ssh-ed25519"), str(pub)]);
  // The check words only detect a wrong passphrase; a fixed value keeps the output deterministic.
  const check = seed.readUInt32BE(0);
  let priv = Buffer.concat([u32(check), u32(check), str("ssh-ed25519"), str(pub), str(Buffer.concat([seed, pub])), str(comment)]);
  const pad = (8 - (priv.length % 8)) % 8;
  priv = Buffer.concat([priv, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([Buffer.from("openssh-key-v1\0"), str("none"), str("none"), str(""), u32(1), str(pubBlob), str(priv)]);
  const b64 = body.toString("base64").replace(/.{1,70}/g, "$&\n");
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${pubBlob.toString("base64")} ${comment}`,
  };
}
