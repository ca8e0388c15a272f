import { TRPCError } from "@trpc/server";
import { env } from "../../env";
import { logger } from "../log/logger";
import { createPreAuthKey, createUser, findUser, HeadscaleError, type HeadscaleConfig } from "./headscale";

/**
 * Tailnet auth keys: each portal user has their own Headscale user (`zlh-<user id>`, created on
 * first use); a pre-auth key is created for it and shown once with the `tailscale up` command.
 */
const log = logger.child({ module: "tailnet" });

export const MAX_KEY_HOURS = 24 * 90;

export function headscaleConfigFrom(e: { ZLH_HEADSCALE_URL?: string | undefined; ZLH_HEADSCALE_API_KEY?: string | undefined }): HeadscaleConfig | null {
  if (!e.ZLH_HEADSCALE_URL || !e.ZLH_HEADSCALE_API_KEY) return null;
  return { url: e.ZLH_HEADSCALE_URL, apiKey: e.ZLH_HEADSCALE_API_KEY };
}

export const headscaleUserName = (userId: string) => `zlh-${userId.toLowerCase()}`;

/** Quoting for the printed shell command (keys and URLs are plain, but never trust that). */
const shellQuote = (s: string) => (/^[A-Za-z0-9@%+=:,./_-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function tailscaleUpCommand(loginServer: string, key: string): string {
  return `tailscale up --login-server ${shellQuote(loginServer)} --authkey ${shellQuote(key)}`;
}

export type TailnetKey = { key: string; reusable: boolean; ephemeral: boolean; expiresAt: Date; loginServer: string; command: string };

export function tailnetStatus(cfg: HeadscaleConfig | null = headscaleConfigFrom(env)) {
  return cfg ? { configured: true as const, loginServer: cfg.url } : { configured: false as const, loginServer: null };
}

export async function createTailnetKey(
  user: { id: string; email?: string | null },
  input: { reusable: boolean; ephemeral: boolean; expiresInHours: number },
  cfg: HeadscaleConfig | null = headscaleConfigFrom(env),
): Promise<TailnetKey> {
  if (!cfg) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Tailnet access is not configured on this deployment (ZLH_HEADSCALE_URL and ZLH_HEADSCALE_API_KEY are unset)." });
  const name = headscaleUserName(user.id);
  try {
    const hsUser = (await findUser(cfg, name)) ?? (await createUser(cfg, name, user.email ?? undefined));
    const key = await createPreAuthKey(cfg, {
      userId: hsUser.id,
      reusable: input.reusable,
      ephemeral: input.ephemeral,
      expiration: new Date(Date.now() + input.expiresInHours * 3600_000),
    });
    log.info({ userId: user.id, headscaleUser: hsUser.id, reusable: key.reusable, ephemeral: key.ephemeral }, "tailnet key created");
    return {
      key: key.key,
      reusable: key.reusable,
      ephemeral: key.ephemeral,
      expiresAt: new Date(key.expiration),
      loginServer: cfg.url,
      command: tailscaleUpCommand(cfg.url, key.key),
    };
  } catch (err) {
    if (!(err instanceof HeadscaleError)) throw err;
    log.warn({ err, userId: user.id }, "headscale refused");
    throw new TRPCError({ code: "BAD_GATEWAY", message: err.message });
  }
}
