import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from "node:crypto";
import ssh2, { type ParsedKey } from "ssh2";

const { utils } = ssh2;
import type { AuthorizedKey } from "../contract/ssh";

/**
 * Authorized keys as the agent uses them: parsed once per push, matched by their wire blob, and
 * able to verify a login signature. Classic types go through ssh2's parser; security keys
 * (sk-ssh-ed25519, sk-ecdsa-sha2-nistp256, which ssh2 does not know) are verified here following
 * OpenSSH's PROTOCOL.u2f, with the user-presence flag required as sshd does by default.
 */
export type UsableKey = {
  type: string;
  blob: Buffer;
  fingerprint: string;
  name: string | undefined;
  verify(data: Buffer, signature: Buffer, hashAlgo: string | undefined): boolean;
};

export const sshFingerprint = (blob: Buffer) => `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;

function readStrings(buf: Buffer): Buffer[] | null {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 4 > buf.length) return null;
    const len = buf.readUInt32BE(pos);
    if (pos + 4 + len > buf.length) return null;
    out.push(buf.subarray(pos + 4, pos + 4 + len));
    pos += 4 + len;
  }
  return out;
}

const b64url = (b: Buffer) => b.toString("base64url");
const USER_PRESENT = 0x01;

/** The bytes an authenticator signs: SHA256(application) || flags || counter || SHA256(message). */
function skSignedData(application: Buffer, flags: number, counter: number, message: Buffer): Buffer {
  const fc = Buffer.alloc(5);
  fc[0] = flags;
  fc.writeUInt32BE(counter, 1);
  return Buffer.concat([createHash("sha256").update(application).digest(), fc, createHash("sha256").update(message).digest()]);
}

/** An mpint (may carry a leading zero) as a fixed-size big-endian integer, or null when too large. */
function fixed(n: Buffer, size: number): Buffer | null {
  let i = 0;
  while (i < n.length - 1 && n[i] === 0) i++;
  const v = n.subarray(i);
  if (v.length > size) return null;
  return Buffer.concat([Buffer.alloc(size - v.length), v]);
}

function skVerifier(type: string, fields: Buffer[]): ((data: Buffer, sig: Buffer) => boolean) | null {
  let key: KeyObject;
  let application: Buffer;
  if (type === "sk-ssh-ed25519@openssh.com") {
    const [pk, app] = fields;
    if (!pk || pk.length !== 32 || !app || fields.length !== 2) return null;
    key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: b64url(pk) }, format: "jwk" });
    application = app;
    // ssh2 strips the algorithm name and the inner length: 64 signature bytes, flags, counter remain.
    return (data, sig) => {
      if (sig.length !== 69) return false;
      const flags = sig[64]!;
      if (!(flags & USER_PRESENT)) return false;
      return cryptoVerify(null, skSignedData(application, flags, sig.readUInt32BE(65), data), key, sig.subarray(0, 64));
    };
  }
  const [curve, q, app] = fields;
  if (!curve || curve.toString() !== "nistp256" || !q || q.length !== 65 || q[0] !== 4 || !app || fields.length !== 3) return null;
  key = createPublicKey({ key: { kty: "EC", crv: "P-256", x: b64url(q.subarray(1, 33)), y: b64url(q.subarray(33)) }, format: "jwk" });
  application = app;
  return (data, sig) => {
    // string r, string s (the inner length was stripped), then flags and counter.
    if (sig.length < 8 + 5) return false;
    const rLen = sig.readUInt32BE(0);
    if (4 + rLen + 4 > sig.length) return false;
    const sLen = sig.readUInt32BE(4 + rLen);
    const end = 8 + rLen + sLen;
    if (end + 5 !== sig.length) return false;
    const r = fixed(sig.subarray(4, 4 + rLen), 32);
    const s = fixed(sig.subarray(8 + rLen, end), 32);
    const flags = sig[end]!;
    if (!r || !s || !(flags & USER_PRESENT)) return false;
    const signed = skSignedData(application, flags, sig.readUInt32BE(end + 1), data);
    return cryptoVerify("sha256", signed, { key, dsaEncoding: "ieee-p1363" }, Buffer.concat([r, s]));
  };
}

/** Parses one pushed key; null when it is malformed, unsupported or its fingerprint disagrees. */
export function usableKey(k: AuthorizedKey): UsableKey | null {
  const [type, data] = k.publicKey.trim().split(/\s+/);
  if (!type || !data) return null;
  const blob = Buffer.from(data, "base64");
  const fields = readStrings(blob);
  if (!fields || fields[0]?.toString() !== type) return null;
  if (sshFingerprint(blob) !== k.fingerprint) return null;
  let verifyFn: (data: Buffer, sig: Buffer, hashAlgo: string | undefined) => boolean;
  if (type.startsWith("sk-")) {
    const v = type === "sk-ssh-ed25519@openssh.com" || type === "sk-ecdsa-sha2-nistp256@openssh.com" ? skVerifier(type, fields.slice(1)) : null;
    if (!v) return null;
    verifyFn = (d, s) => {
      try {
        return v(d, s);
      } catch {
        return false;
      }
    };
  } else {
    const parsed = utils.parseKey(`${type} ${data}`);
    if (parsed instanceof Error) return null;
    const pk = (Array.isArray(parsed) ? parsed[0] : parsed) as ParsedKey;
    if (!pk || pk.type === "ssh-dss") return null;
    verifyFn = (d, s, h) => pk.verify(d, s, h) === true;
  }
  return { type, blob, fingerprint: k.fingerprint, name: k.name, verify: verifyFn };
}

/** The authorized key whose blob is exactly the one the client offered. */
export function findKey(keys: readonly UsableKey[], offered: Buffer): UsableKey | undefined {
  return keys.find((k) => k.blob.equals(offered));
}
