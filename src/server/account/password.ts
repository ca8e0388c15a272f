import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * Password hashing with Node's scrypt. The stored form carries its own parameters so they can be
 * raised later without breaking existing hashes:
 *   scrypt$<log2 N>$<r>$<p>$<salt base64url>$<hash base64url>
 */
export type ScryptParams = { log2N: number; r: number; p: number; keyLength: number };

/**
 * N = 2^16, r = 8, p = 2: one of OWASP's equivalent scrypt settings (Password Storage Cheat Sheet:
 * 2^17/8/1, 2^16/8/2, 2^15/8/3, ...), 64 MiB per hash. Hashes with less work are replaced at the
 * next successful sign-in.
 */
export const defaultParams: ScryptParams = { log2N: 16, r: 8, p: 2, keyLength: 32 };

/** The work factor OWASP's settings share: N * r * p. */
export function scryptWork(params: Pick<ScryptParams, "log2N" | "r" | "p">): number {
  return 2 ** params.log2N * params.r * params.p;
}

const PREFIX = "scrypt";

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize("NFKC"), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function options(params: ScryptParams): ScryptOptions {
  const N = 2 ** params.log2N;
  // maxmem must exceed 128 * N * r, or Node refuses the parameters.
  return { N, r: params.r, p: params.p, maxmem: 256 * N * params.r };
}

export async function hashPassword(password: string, params: ScryptParams = defaultParams): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, params.keyLength, options(params));
  return [PREFIX, params.log2N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Parses a stored hash; null when it is not one of ours (treated as "does not match"). */
export function parseHash(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== PREFIX) return null;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const ok = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;
  // Bounds keep a tampered row from making us allocate gigabytes.
  if (!ok(log2N, 10, 20) || !ok(r, 1, 32) || !ok(p, 1, 16)) return null;
  const salt = Buffer.from(parts[4]!, "base64url");
  const key = Buffer.from(parts[5]!, "base64url");
  if (salt.length < 8 || key.length < 16) return null;
  return { params: { log2N, r, p, keyLength: key.length }, salt, key };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.params.keyLength, options(parsed.params));
  return timingSafeEqual(key, parsed.key);
}

/** True when a stored hash uses weaker parameters than today's defaults (rehash on next sign-in). */
export function needsRehash(stored: string, params: ScryptParams = defaultParams): boolean {
  const parsed = parseHash(stored);
  if (!parsed) return true;
  return scryptWork(parsed.params) < scryptWork(params) || parsed.params.keyLength < params.keyLength;
}
