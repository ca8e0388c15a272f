import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { parseSchedule } from "./game/backoff";

/** Agent configuration from flags, falling back to env (flags win). */
export const agentConfigSchema = z.object({
  /** TCP port; unused when `socket` is set. */
  port: z.coerce.number().int().min(0).max(65535).optional(),
  /** Listen on this Unix socket instead of TCP (the lxc provider: the portal reaches it through a host folder). */
  socket: z.string().min(1).transform((p) => path.resolve(p)).optional(),
  /** Reach the artifact server over this Unix socket (a container whose network has no route to it). */
  artifactsSocket: z.string().min(1).optional(),
  host: z.string().min(1).default("0.0.0.0"),
  /** Serve HTTPS with the key pair kept in this folder, made here on first start (Proxmox: the portal pins it). */
  tlsDir: z.string().min(1).transform((p) => path.resolve(p)).optional(),
  root: z.string().min(1).transform((p) => path.resolve(p)),
  /** Bearer token (printable ASCII, no spaces: what an Authorization header can carry). Short ones are accepted with a warning. */
  token: z.string().regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces"),
  artifacts: z.url(),
  /** ed25519 public key (PEM or base64 SPKI DER) the catalog signature must match; unset: unsigned catalogs refused unless insecure. */
  catalogPublicKey: z.string().optional(),
  /** How long a dev shell stays alive after its last console viewer leaves. */
  consoleGraceSeconds: z.coerce.number().int().min(0).max(86_400).default(300),
  /** Largest file accepted by uploads and writes (bytes). */
  uploadLimitBytes: z.coerce.number().int().min(1).default(2 * 1024 * 1024 * 1024),
  /** Port of the dev container's SSH server (local provider gives each container its own). */
  sshPort: z.coerce.number().int().min(0).max(65535).default(0),
  /** Portal URL the agent may call back (SSH key lookups); optional. */
  portalUrl: z.url().optional(),
  logLevel: z.string().default("info"),
  /** Game crash backoff: waits before restarts 1, 2, 3... (the last repeats), e.g. "30000,60000,120000". */
  gameBackoffMs: z.string().default("30000,60000,120000").transform((s, ctx) => {
    try {
      return parseSchedule(s);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  }),
  /** A game run that stayed up this long resets the crash count. */
  gameStableMs: z.coerce.number().int().min(0).default(30_000),
  /** Crashes in a row after which the game goes to `error` and waits for a person. */
  gameMaxFailures: z.coerce.number().int().min(1).default(4),
  /** Graceful stop: how long to wait after the stop command before SIGTERM. */
  gameStopTimeoutMs: z.coerce.number().int().min(0).default(60_000),
  /** After SIGTERM, how long to wait before SIGKILL. */
  gameTermTimeoutMs: z.coerce.number().int().min(0).default(10_000),
  /** How long a start waits for the ready line before the power lock is released (the game stays `starting`). */
  gameReadyTimeoutMs: z.coerce.number().int().min(1).default(300_000),
  /** Leave the game running when the agent exits (for agent upgrades); otherwise SIGTERM stops it first. */
  gameDetachOnExit: z.enum(["true", "false", "1", "0"]).default("false").transform((v) => v === "true" || v === "1"),
}).refine((c) => c.port !== undefined || c.socket !== undefined, { message: "one of --port or --socket is required", path: ["port"] });

export type AgentConfig = z.infer<typeof agentConfigSchema>;

/**
 * A token handed over in a file (the lxc provider writes it into the container's run folder, root
 * only): read once and removed, so it lives on only in the agent's memory.
 */
function takeTokenFile(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    const token = readFileSync(file, "utf8").trim();
    rmSync(file, { force: true });
    return token;
  } catch {
    return undefined;
  }
}

export function loadAgentConfig(argv = process.argv.slice(2), env = process.env): AgentConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      socket: { type: "string" },
      "artifacts-socket": { type: "string" },
      host: { type: "string" },
      "tls-dir": { type: "string" },
      root: { type: "string" },
      token: { type: "string" },
      "token-file": { type: "string" },
      artifacts: { type: "string" },
      "catalog-public-key": { type: "string" },
      "console-grace-seconds": { type: "string" },
      "upload-limit-bytes": { type: "string" },
      "ssh-port": { type: "string" },
      "portal-url": { type: "string" },
      "log-level": { type: "string" },
      "game-backoff-ms": { type: "string" },
      "game-stable-ms": { type: "string" },
      "game-max-failures": { type: "string" },
      "game-stop-timeout-ms": { type: "string" },
      "game-term-timeout-ms": { type: "string" },
      "game-ready-timeout-ms": { type: "string" },
      "game-detach-on-exit": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const parsed = agentConfigSchema.safeParse({
    port: values.port ?? env.ZLH_AGENT_PORT,
    socket: values.socket ?? env.ZLH_AGENT_SOCKET,
    artifactsSocket: values["artifacts-socket"] ?? env.ZLH_ARTIFACTS_SOCKET,
    host: values.host ?? env.ZLH_AGENT_HOST,
    tlsDir: values["tls-dir"] ?? env.ZLH_AGENT_TLS_DIR,
    root: values.root ?? env.ZLH_AGENT_ROOT,
    token: values.token ?? env.ZLH_AGENT_TOKEN ?? takeTokenFile(values["token-file"]),
    artifacts: values.artifacts ?? env.ZLH_ARTIFACTS_URL,
    catalogPublicKey: values["catalog-public-key"] ?? env.ZLH_CATALOG_PUBLIC_KEY,
    consoleGraceSeconds: values["console-grace-seconds"] ?? env.ZLH_CONSOLE_GRACE_SECONDS,
    uploadLimitBytes: values["upload-limit-bytes"] ?? env.ZLH_UPLOAD_LIMIT_BYTES,
    sshPort: values["ssh-port"] ?? env.ZLH_SSH_PORT,
    portalUrl: values["portal-url"] ?? env.ZLH_PORTAL_URL,
    logLevel: values["log-level"] ?? env.LOG_LEVEL,
    gameBackoffMs: values["game-backoff-ms"] ?? env.ZLH_GAME_BACKOFF_MS,
    gameStableMs: values["game-stable-ms"] ?? env.ZLH_GAME_STABLE_MS,
    gameMaxFailures: values["game-max-failures"] ?? env.ZLH_GAME_MAX_FAILURES,
    gameStopTimeoutMs: values["game-stop-timeout-ms"] ?? env.ZLH_GAME_STOP_TIMEOUT_MS,
    gameTermTimeoutMs: values["game-term-timeout-ms"] ?? env.ZLH_GAME_TERM_TIMEOUT_MS,
    gameReadyTimeoutMs: values["game-ready-timeout-ms"] ?? env.ZLH_GAME_READY_TIMEOUT_MS,
    gameDetachOnExit: values["game-detach-on-exit"] ?? env.ZLH_GAME_DETACH_ON_EXIT,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid agent configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}
