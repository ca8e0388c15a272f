/**
 * The environment of every tenant process (dev shells, SSH sessions, code-server, the game): an
 * explicit allowlist built here, never a copy of the agent's or the portal's process.env. The
 * agent's own environment carries its bearer token; a copy would hand it to the tenant.
 */

/** Who the process runs as and where: these keys are always set and never overridden. */
export type TenantEnvBase = {
  user: string;
  home: string;
  shell: string;
  path: string;
};

/** Keys fixed by the base: an extra value can never replace them (an SSH client cannot set PATH). */
const IDENTITY_KEYS = new Set(["HOME", "USER", "LOGNAME", "SHELL", "PATH"]);

/** Further names a tenant process may carry, with the values the caller (or SSH client) chose. */
const ALLOWED_NAMES = new Set([
  "TERM",
  "LANG",
  "LANGUAGE",
  "COLORTERM",
  "TZ",
  "ZLH_WORKSPACE",
  "XDG_CONFIG_HOME",
  "XDG_DATA_HOME",
  "XDG_CACHE_HOME",
  "SSH_CONNECTION",
  "SSH_CLIENT",
  "SSH_TTY",
  "JAVA_HOME",
]);
const ALLOWED_PATTERNS = [/^LC_[A-Z]+$/, /^ZLH_RUNTIME_[A-Z0-9_]+$/];

const MAX_VALUE_CHARS = 4096;

export function isAllowedEnvName(name: string): boolean {
  return ALLOWED_NAMES.has(name) || ALLOWED_PATTERNS.some((p) => p.test(name));
}

/**
 * The whole environment of a tenant process: the identity keys from `base`, a sane TERM and LANG,
 * and those `extra` entries whose names are on the allowlist and whose values are plain strings
 * (no NUL, bounded). Everything else is dropped.
 */
export function tenantEnv(base: TenantEnvBase, extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const env: Record<string, string> = {
    HOME: base.home,
    USER: base.user,
    LOGNAME: base.user,
    SHELL: base.shell,
    PATH: base.path,
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
  };
  for (const [name, value] of Object.entries(extra)) {
    if (typeof value !== "string" || IDENTITY_KEYS.has(name) || !isAllowedEnvName(name)) continue;
    if (value.includes("\0") || value.length > MAX_VALUE_CHARS) continue;
    env[name] = value;
  }
  return env;
}
