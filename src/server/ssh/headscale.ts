import { z } from "zod";

/**
 * A small client for Headscale's v1 REST API (grpc-gateway JSON; Headscale 0.26 and later, where
 * users have numeric ids and POST /api/v1/preauthkey takes the user's id): Bearer API key,
 * timeouts, responses validated. Errors carry Headscale's own message ({ code, message, details }).
 */
export type HeadscaleConfig = { url: string; apiKey: string };

export class HeadscaleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// uint64 ids travel as JSON strings (proto3 JSON mapping).
const userSchema = z.object({ id: z.union([z.string(), z.number()]).transform(String), name: z.string() });
const listUsersSchema = z.object({ users: z.array(userSchema).default([]) });
const createUserSchema = z.object({ user: userSchema });
const preAuthKeySchema = z.object({
  preAuthKey: z.object({
    key: z.string().min(1),
    reusable: z.boolean().default(false),
    ephemeral: z.boolean().default(false),
    expiration: z.string(),
  }),
});
const errorSchema = z.object({ message: z.string() });

export type HeadscaleUser = z.infer<typeof userSchema>;
export type HeadscalePreAuthKey = z.infer<typeof preAuthKeySchema>["preAuthKey"];

async function call<T extends z.ZodType>(cfg: HeadscaleConfig, method: string, path: string, schema: T, body?: unknown): Promise<z.infer<T>> {
  let res: Response;
  try {
    res = await fetch(new URL(path, cfg.url), {
      method,
      headers: { authorization: `Bearer ${cfg.apiKey}`, accept: "application/json", ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new HeadscaleError(0, `Headscale is unreachable: ${(err as Error).message}`);
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text.trim().slice(0, 300);
    try {
      detail = errorSchema.parse(JSON.parse(text)).message;
    } catch {
      // plain-text error (e.g. "Unauthorized")
    }
    throw new HeadscaleError(res.status, `Headscale answered ${res.status}: ${detail || res.statusText}`);
  }
  const parsed = schema.safeParse(JSON.parse(text || "{}"));
  if (!parsed.success) throw new HeadscaleError(res.status, "Headscale answered in an unexpected shape");
  return parsed.data;
}

export async function findUser(cfg: HeadscaleConfig, name: string): Promise<HeadscaleUser | null> {
  const r = await call(cfg, "GET", `/api/v1/user?name=${encodeURIComponent(name)}`, listUsersSchema);
  return r.users.find((u) => u.name === name) ?? null;
}

export async function createUser(cfg: HeadscaleConfig, name: string, displayName?: string): Promise<HeadscaleUser> {
  return (await call(cfg, "POST", "/api/v1/user", createUserSchema, { name, ...(displayName ? { displayName } : {}) })).user;
}

export async function createPreAuthKey(cfg: HeadscaleConfig, input: { userId: string; reusable: boolean; ephemeral: boolean; expiration: Date }): Promise<HeadscalePreAuthKey> {
  const body = { user: input.userId, reusable: input.reusable, ephemeral: input.ephemeral, expiration: input.expiration.toISOString(), aclTags: [] };
  return (await call(cfg, "POST", "/api/v1/preauthkey", preAuthKeySchema, body)).preAuthKey;
}
