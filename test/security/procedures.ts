import { generateKeyPairSync } from "node:crypto";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { appRouter } from "../../src/server/api/root";

/**
 * The tRPC router as data, for the authorization matrix and the input fuzzer: every procedure is
 * discovered from the router itself, so a procedure added tomorrow is covered (or fails these
 * tests until someone says how) without anyone remembering to list it here.
 */
export type Proc = { path: string; type: "query" | "mutation" | "subscription"; input: z.ZodType | null };

type Def = { type: Proc["type"]; inputs: z.ZodType[] };
export function procedures(): Proc[] {
  const all = (appRouter as unknown as { _def: { procedures: Record<string, { _def: Def }> } })._def.procedures;
  return Object.entries(all)
    .map(([path, p]) => ({ path, type: p._def.type, input: p._def.inputs[0] ?? null }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * Procedures that are not about the caller's own resources, by design. Keep this list short and
 * say why; everything else must refuse another user's ids.
 */
export const PUBLIC_PROCEDURES: Record<string, string> = {
  "account.signUp": "creates an account; no session",
  "billing.plans": "the public price list",
  "servers.runtimeCatalog": "the global runtime catalog",
  "artifacts.preparing": "whether the first-run artifact build is still running (no user data)",
  "accountEmail.verify": "acts on the emailed token, not on ids",
  "accountEmail.forgotPassword": "same answer for every email; acts through the emailed token",
  "accountEmail.resetPassword": "acts on the emailed token, not on ids",
  "accountEmail.confirmEmailChange": "acts on the emailed token, not on ids",
};

/** Operator procedures: anyone who is not an admin must get NOT_FOUND or FORBIDDEN, whatever the input. */
export const isAdminOnly = (path: string) => path.startsWith("admin.");

/** How the caller sees an error, as the HTTP adapter would answer it. */
export function httpStatusOf(err: unknown): number {
  return err instanceof TRPCError ? getHTTPStatusCodeFromError(err) : 500;
}

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  default?: unknown;
};

export function inputSchemaOf(input: z.ZodType): JsonSchema {
  return (input as unknown as { toJSONSchema(o: object): JsonSchema }).toJSONSchema({ unrepresentable: "any", io: "input" });
}

/** Fields named like ids that name catalog entries, not anyone's resources. */
const CATALOG_IDS = new Set(["runtimeId"]);
const isResourceId = (name: string) => !CATALOG_IDS.has(name) && (name === "id" || /Id$/.test(name));

/** The resource id fields found anywhere in an input (names like serverId, webhookId or id). */
export function idFields(schema: JsonSchema): string[] {
  const out: string[] = [];
  const walk = (s: JsonSchema | undefined) => {
    if (!s) return;
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      if (isResourceId(name)) out.push(name);
      walk(prop);
    }
    for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) walk(alt);
    walk(s.items);
  };
  walk(schema);
  return out;
}

function opensshEd25519(): string {
  const jwk = generateKeyPairSync("ed25519").publicKey.export({ format: "jwk" });
  // OpenSSH wire format: each field is a 4-byte big-endian length and the bytes.
  const field = (b: Buffer) => {
    const l = Buffer.alloc(4);
    l.writeUInt32BE(b.length);
    return Buffer.concat([l, b]);
  };
  const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(Buffer.from(jwk.x!, "base64url"))]);
  return `ssh-ed25519 ${blob.toString("base64")} matrix`;
}

/** Values tried, in order, for a string field with no better idea: the first the schema accepts wins. */
const STRING_CANDIDATES = ["matrix test", "matrix", "node", "1.0.0", "/", "https://example.test/hook", "matrix@example.test", "a"];

/** Field values that the candidate list cannot guess. */
function overrides(): Record<string, unknown> {
  return {
    publicKey: opensshEd25519(),
    password: "not the right password",
    currentPassword: "not the right password",
    newPassword: "a brand new long password",
    newEmail: `matrix-${Date.now()}@example.test`,
    email: `matrix-${Date.now()}@example.test`,
    path: "/",
    from: "a.txt",
    to: "b.txt",
    content: "x",
    url: "https://example.test/hook",
  };
}

function fits(value: string, s: JsonSchema): boolean {
  if (s.minLength !== undefined && value.length < s.minLength) return false;
  if (s.maxLength !== undefined && value.length > s.maxLength) return false;
  if (s.pattern && !new RegExp(s.pattern, "u").test(value)) return false;
  return true;
}

/**
 * A valid input built from the JSON Schema of a procedure's input: id fields from `ids` (by name),
 * everything else a plausible value. Returns the fields it could not fill.
 */
export function sampleInput(schema: JsonSchema, ids: Record<string, string>): { value: unknown; unknownIds: string[] } {
  const unknownIds: string[] = [];
  const more = overrides();
  const build = (s: JsonSchema, name?: string): unknown => {
    if (name && isResourceId(name)) {
      if (ids[name] === undefined) unknownIds.push(name);
      return ids[name] ?? "unknown-id";
    }
    // An override only where its type fits (an `email` flag is a boolean, an `email` field a string).
    if (name && name in more && typeof more[name] === (s.type === "integer" ? "number" : s.type)) return more[name];
    if (s.const !== undefined) return s.const;
    if (s.enum) return s.enum[0];
    const alt = s.anyOf ?? s.oneOf;
    if (alt) return build(alt.find((a) => a.type !== "null") ?? alt[0]!, name);
    const type = Array.isArray(s.type) ? s.type[0] : s.type;
    switch (type) {
      case "object": {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(s.properties ?? {})) if (s.required?.includes(k) || k in more || isResourceId(k)) out[k] = build(v, k);
        return out;
      }
      case "array":
        return [];
      case "boolean":
        return false;
      case "integer":
      case "number":
        return s.minimum ?? (s.maximum !== undefined ? Math.min(1, s.maximum) : 1);
      case "string":
        return STRING_CANDIDATES.find((c) => fits(c, s)) ?? "a".repeat(Math.max(1, s.minLength ?? 1));
      default:
        return s.default ?? null;
    }
  };
  return { value: build(schema), unknownIds };
}
