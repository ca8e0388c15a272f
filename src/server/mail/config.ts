import path from "node:path";

/**
 * Where mail goes: SMTP when ZLH_SMTP_URL is set, otherwise the local outbox folder
 * <data>/outbox (the embedded default: a newcomer opens the links from /dev/outbox). Read from the
 * environment on each use so tests can point it at their own SMTP server.
 */
export type MailConfig =
  | { transport: "smtp"; url: string; from: string }
  | { transport: "outbox"; dir: string; from: string };

export const DEFAULT_FROM = "ZeroLagHub <no-reply@zerolaghub.localhost>";

export function mailConfig(e: NodeJS.ProcessEnv = process.env): MailConfig {
  const from = e.ZLH_MAIL_FROM || DEFAULT_FROM;
  if (e.ZLH_SMTP_URL) return { transport: "smtp", url: e.ZLH_SMTP_URL, from };
  return { transport: "outbox", dir: outboxDir(e), from };
}

export function outboxDir(e: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.resolve(e.ZLH_DATA_DIR || ".data"), "outbox");
}

/** Base URL for links in emails (no trailing slash). */
export function publicUrl(e: NodeJS.ProcessEnv = process.env): string {
  const base = e.ZLH_PUBLIC_URL || e.NEXTAUTH_URL || `http://localhost:${e.PORT || 3000}`;
  return base.replace(/\/+$/, "");
}
