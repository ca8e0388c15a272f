import { randomUUID } from "node:crypto";
import { SignJWT, jwtVerify, errors } from "jose";
import { z } from "zod";

/**
 * One-shot IDE tokens: a JWT (HS256, jose) bound to one vmid and one user, purpose "ide", valid
 * for at most 60 s, with a jti that the dev host records on first use so a replay is refused.
 */
export const IDE_TOKEN_MAX_TTL_S = 60;
const TYP = "zlh-ide+jwt";

export type IdeTokenClaims = { vmid: number; userId: string; jti: string; expiresAt: Date };
export type IdeTokenFailure = "invalid" | "expired" | "wrong-host" | "replayed";
export type IdeTokenResult = { ok: true; claims: IdeTokenClaims } | { ok: false; reason: IdeTokenFailure };

/** Where used jtis are recorded; `markUsed` returns false when the jti was already there. */
export type JtiStore = { markUsed(jti: string, expiresAt: Date): Promise<boolean> };

const payloadSchema = z.object({
  sub: z.string().min(1).max(128),
  vmid: z.number().int().positive(),
  purpose: z.literal("ide"),
  jti: z.string().min(16).max(64),
  iat: z.number().int(),
  exp: z.number().int(),
});

export async function signIdeToken(
  key: Uint8Array,
  opts: { vmid: number; userId: string; ttlSeconds?: number; now?: Date },
): Promise<{ token: string; claims: IdeTokenClaims }> {
  const ttl = Math.min(opts.ttlSeconds ?? IDE_TOKEN_MAX_TTL_S, IDE_TOKEN_MAX_TTL_S);
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const exp = iat + ttl;
  const jti = randomUUID();
  const token = await new SignJWT({ vmid: opts.vmid, purpose: "ide" })
    .setProtectedHeader({ alg: "HS256", typ: TYP })
    .setSubject(opts.userId)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, claims: { vmid: opts.vmid, userId: opts.userId, jti, expiresAt: new Date(exp * 1000) } };
}

/** Checks signature, type, purpose, lifetime and the vmid of the host it is presented to. */
export async function verifyIdeToken(key: Uint8Array, token: string, opts: { vmid: number; now?: Date }): Promise<IdeTokenResult> {
  if (token.length > 2048) return { ok: false, reason: "invalid" };
  let payload: unknown;
  try {
    const r = await jwtVerify(token, key, { algorithms: ["HS256"], typ: TYP, currentDate: opts.now, clockTolerance: 0 });
    payload = r.payload;
  } catch (err) {
    return { ok: false, reason: err instanceof errors.JWTExpired ? "expired" : "invalid" };
  }
  const p = payloadSchema.safeParse(payload);
  // A token minted with a longer life than the policy allows is not ours to honour.
  if (!p.success || p.data.exp - p.data.iat > IDE_TOKEN_MAX_TTL_S) return { ok: false, reason: "invalid" };
  if (p.data.vmid !== opts.vmid) return { ok: false, reason: "wrong-host" };
  return { ok: true, claims: { vmid: p.data.vmid, userId: p.data.sub, jti: p.data.jti, expiresAt: new Date(p.data.exp * 1000) } };
}

/** Verifies the token and records its jti in one step: only the first presentation succeeds. */
export async function consumeIdeToken(
  key: Uint8Array,
  store: JtiStore,
  token: string,
  opts: { vmid: number; now?: Date },
): Promise<IdeTokenResult> {
  const r = await verifyIdeToken(key, token, opts);
  if (!r.ok) return r;
  if (!(await store.markUsed(r.claims.jti, r.claims.expiresAt))) return { ok: false, reason: "replayed" };
  return r;
}
