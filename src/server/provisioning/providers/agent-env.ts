/**
 * The whole environment of an agent the unisolated provider starts on this machine: an explicit
 * allowlist, never the portal's process.env (which holds NEXTAUTH_SECRET, ZLH_SECRET_KEY,
 * DATABASE_URL, Stripe keys). The lxc provider sets its agents' environment in the container's
 * config (lxc.environment) the same way.
 */
const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The agent's own tuning variables (agent/src/config.ts): numbers only, so nothing else rides along. */
const TUNING = [
  "ZLH_GAME_BACKOFF_MS",
  "ZLH_GAME_STABLE_MS",
  "ZLH_GAME_MAX_FAILURES",
  "ZLH_GAME_STOP_TIMEOUT_MS",
  "ZLH_GAME_TERM_TIMEOUT_MS",
  "ZLH_GAME_READY_TIMEOUT_MS",
  "ZLH_CONSOLE_GRACE_SECONDS",
  "ZLH_UPLOAD_LIMIT_BYTES",
] as const;

export function unisolatedAgentEnv(source: Readonly<Record<string, string | undefined>>, token: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: source.PATH || DEFAULT_PATH,
    HOME: source.HOME || "/",
    LANG: "C.UTF-8",
    NODE_ENV: "production",
    LOG_LEVEL: /^[a-z]{1,10}$/.test(source.AGENT_LOG_LEVEL ?? "") ? source.AGENT_LOG_LEVEL! : "info",
    // The token travels in the environment (readable by this user only), not on the command line.
    ZLH_AGENT_TOKEN: token,
  };
  if (source.TMPDIR?.startsWith("/")) env.TMPDIR = source.TMPDIR;
  for (const name of TUNING) {
    const v = source[name];
    if (v && /^[0-9,]{1,200}$/.test(v)) env[name] = v;
  }
  if (/^(true|false|1|0)$/.test(source.ZLH_GAME_DETACH_ON_EXIT ?? "")) env.ZLH_GAME_DETACH_ON_EXIT = source.ZLH_GAME_DETACH_ON_EXIT!;
  return env;
}
