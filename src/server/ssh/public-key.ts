import { createHash } from "node:crypto";
import ssh2 from "ssh2";

// ssh2 is CommonJS: Node's ESM loader exposes only its default export.
const { utils } = ssh2;

/**
 * OpenSSH public keys as users paste them (`<type> <base64> [comment]`, one line): validated
 * structurally (the blob's own type, curve and lengths; RSA at least 2048 bits; no trailing bytes)
 * and through ssh2's parser, fingerprinted like `ssh-keygen -lf` (`SHA256:<base64, no padding>`).
 */
export const SUPPORTED_KEY_TYPES = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "ssh-rsa",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
] as const;
export type SshKeyType = (typeof SUPPORTED_KEY_TYPES)[number];

export const MIN_RSA_BITS = 2048;
/** Longest accepted line: an RSA 16384-bit key is about 2.8 KB; anything larger is not a key. */
export const MAX_PUBLIC_KEY_CHARS = 8192;
const MAX_COMMENT_CHARS = 200;

export type ParsedPublicKey = {
  type: SshKeyType;
  /** The wire-format key blob. */
  blob: Buffer;
  /** Key size in bits (RSA modulus, ECDSA curve, 256 for Ed25519). */
  bits: number;
  fingerprint: string;
  comment: string;
  /** `<type> <base64> [comment]`: what is stored and sent to containers. */
  normalized: string;
};

export type ParseResult = { ok: true; key: ParsedPublicKey } | { ok: false; error: string };

/** Reads SSH wire-format strings (uint32 length + bytes); null when the data runs out. */
class WireReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  string(): Buffer | null {
    if (this.pos + 4 > this.buf.length) return null;
    const len = this.buf.readUInt32BE(this.pos);
    if (this.pos + 4 + len > this.buf.length) return null;
    const out = this.buf.subarray(this.pos + 4, this.pos + 4 + len);
    this.pos += 4 + len;
    return out;
  }
  get done(): boolean {
    return this.pos === this.buf.length;
  }
}

export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Bits of an unsigned big-endian integer (an SSH mpint may carry a leading zero byte). */
function bitLength(n: Buffer): number {
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}

const CURVES: Record<string, { name: string; bits: number; point: number }> = {
  "ecdsa-sha2-nistp256": { name: "nistp256", bits: 256, point: 65 },
  "ecdsa-sha2-nistp384": { name: "nistp384", bits: 384, point: 97 },
  "ecdsa-sha2-nistp521": { name: "nistp521", bits: 521, point: 133 },
  "sk-ecdsa-sha2-nistp256@openssh.com": { name: "nistp256", bits: 256, point: 65 },
};

/** Checks the blob's fields for its type; returns the key size or an error. */
function checkBlob(type: SshKeyType, blob: Buffer): { bits: number } | { error: string } {
  const r = new WireReader(blob);
  const inner = r.string();
  if (!inner || inner.toString("latin1") !== type) return { error: "the key data does not match its type" };
  const malformed = { error: "the key data is malformed" };
  switch (type) {
    case "ssh-ed25519":
    case "sk-ssh-ed25519@openssh.com": {
      const pk = r.string();
      if (!pk || pk.length !== 32) return malformed;
      if (type.startsWith("sk-") && !r.string()) return malformed; // application, e.g. "ssh:"
      return r.done ? { bits: 256 } : malformed;
    }
    case "ssh-rsa": {
      const e = r.string();
      const n = r.string();
      if (!e || !n || !r.done) return malformed;
      const bits = bitLength(n);
      if (bits < MIN_RSA_BITS) return { error: `RSA keys must have at least ${MIN_RSA_BITS} bits (this one has ${bits})` };
      return { bits };
    }
    default: {
      const curve = CURVES[type]!;
      const name = r.string();
      const q = r.string();
      if (!name || name.toString("latin1") !== curve.name) return { error: "the key's curve does not match its type" };
      if (!q || q.length !== curve.point || q[0] !== 0x04) return malformed;
      if (type.startsWith("sk-") && !r.string()) return malformed;
      return r.done ? { bits: curve.bits } : malformed;
    }
  }
}

export function parsePublicKey(input: string): ParseResult {
  const text = input.trim();
  if (!text) return { ok: false, error: "Paste a public key." };
  if (text.length > MAX_PUBLIC_KEY_CHARS) return { ok: false, error: "That is too long to be a public key." };
  if (/[\r\n]/.test(text)) return { ok: false, error: "Paste one key, on one line." };
  if (text.includes("PRIVATE KEY")) return { ok: false, error: "That is a private key. Paste the public key (the .pub file) instead, and keep the private key secret." };
  const [type, data, ...rest] = text.split(/[ \t]+/);
  if (!(SUPPORTED_KEY_TYPES as readonly string[]).includes(type!)) {
    return { ok: false, error: `Unsupported key type "${(type ?? "").slice(0, 60)}". Use ${SUPPORTED_KEY_TYPES.join(", ")}.` };
  }
  if (!data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return { ok: false, error: "The key data is not base64." };
  const blob = Buffer.from(data, "base64");
  if (blob.toString("base64") !== data) return { ok: false, error: "The key data is not valid base64." };
  const keyType = type as SshKeyType;
  const checked = checkBlob(keyType, blob);
  if ("error" in checked) return { ok: false, error: `Invalid key: ${checked.error}.` };
  // ssh2 knows the classic types (not the security-key ones): a second opinion from the parser the agent uses.
  if (!keyType.startsWith("sk-")) {
    const parsed = utils.parseKey(`${keyType} ${data}`);
    if (parsed instanceof Error) return { ok: false, error: `Invalid key: ${parsed.message}.` };
  }
  // eslint-disable-next-line no-control-regex
  const comment = rest.join(" ").replace(/[\u0000-\u001f\u007f]/g, "").slice(0, MAX_COMMENT_CHARS);
  return {
    ok: true,
    key: {
      type: keyType,
      blob,
      bits: checked.bits,
      fingerprint: sshFingerprint(blob),
      comment,
      normalized: comment ? `${keyType} ${data} ${comment}` : `${keyType} ${data}`,
    },
  };
}
