import path from "node:path";
import { z } from "zod";

/**
 * The portal's environment, validated once. A missing or malformed variable stops the process with
 * one line naming it. Every variable is documented in .env.example.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  ZLH_DATA_DIR: z.string().min(1).default(".data"),
  NEXTAUTH_URL: z.url().optional(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
  ZLH_SECRET_KEY: z.string().regex(/^[0-9a-f]{64}$/i, "must be 64 hex characters (32 bytes)").optional(),
  ZLH_DEV_DOMAIN: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "must be a lower-case DNS name")
    .default("localhost"),
  ZLH_PUBLIC_URL: z.url().optional(),
  // More host names the portal's pages answer to, comma-separated (besides ZLH_PUBLIC_URL's, localhost and IP addresses).
  ZLH_ALLOWED_HOSTS: z.string().optional(),
  // Name of this portal instance, sent as X-ZLH-Instance (default host:port). See deploy/README.md.
  ZLH_INSTANCE_ID: z.string().optional(),
  // lxc | unisolated ("local" is its old name) | proxmox; unset: lxc as root with LXC installed, else unisolated.
  ZLH_PROVIDER: z.enum(["lxc", "unisolated", "local", "proxmox"]).optional(),
  // Host address the lxc provider publishes game and SSH ports on (default 127.0.0.1).
  ZLH_GAME_BIND: z.string().min(1).optional(),
  // Provisioning (the proxmox values are required when ZLH_PROVIDER=proxmox; see .env.example).
  ZLH_PROXMOX_URL: z.url({ protocol: /^https?$/ }).optional(),
  ZLH_PROXMOX_TOKEN_ID: z.string().regex(/^[^@!\s]+@[^!\s]+![^=\s]+$/, "must look like USER@REALM!TOKENID").optional(),
  ZLH_PROXMOX_TOKEN_SECRET: z.string().min(1).optional(),
  ZLH_PROXMOX_NODE: z.string().min(1).optional(),
  ZLH_PROXMOX_NODES: z.string().regex(/^[\w.-]+(,[\w.-]+)*$/, "must be a comma-separated list of node names").optional(),
  ZLH_PROXMOX_TEMPLATE: z.string().min(1).optional(),
  ZLH_PROXMOX_STORAGE: z.string().min(1).optional(),
  ZLH_PROXMOX_BRIDGE: z.string().min(1).optional(),
  // The portal's address (IP or CIDR) as Proxmox containers see it: their agent port accepts only it.
  ZLH_PORTAL_ADDRESS: z.string().min(1).optional(),
  ZLH_LOCAL_ISOLATION: z.enum(["bwrap", "unshare", "none"]).optional(),
  ZLH_AGENT_START_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  ZLH_PROVISION_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  ZLH_PROVISION_DEADLINE_MS: z.coerce.number().int().positive().optional(),
  ZLH_ARTIFACTS_URL: z.url().optional(),
  // Reverse proxies in front of the portal that append to X-Forwarded-For: the client address (rate
  // limits, logs) is the entry that many places from the right. 0: the socket's peer address.
  ZLH_TRUSTED_PROXIES: z.coerce.number().int().min(0).max(10).default(0),
  // A hosted IDE connection that moved no byte for this long is closed (#15).
  ZLH_IDE_IDLE_TIMEOUT_S: z.coerce.number().int().min(10).max(7 * 86_400).default(3600),
  // Open IDE WebSockets and spliced connections one account may hold per portal instance (a browser
  // tab uses a handful; the cap keeps one account from holding a process's sockets).
  ZLH_IDE_SOCKETS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(64),
  // Operator console (#17): accounts given the admin role at sign-up, sign-in and start-up (comma list).
  ZLH_ADMIN_EMAILS: z.string().max(4000).optional(),
  // The host name players connect to (game page "Connect" address). Default: the portal's host name.
  ZLH_GAME_HOST: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, "must be a host name or IP address").optional(),
  // Sign-ups allowed per client address per minute (each address's network has a slower hourly cap).
  ZLH_SIGNUP_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  // Billing (Stripe). Without the secret key and webhook secret billing is "not configured": everyone
  // is on the free plan. An empty value counts as unset.
  STRIPE_SECRET_KEY: z.string().regex(/^(sk|rk)_/, "must be a Stripe secret key (sk_...)").or(z.literal("")).optional(),
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_/, "must be a Stripe webhook secret (whsec_...)").or(z.literal("")).optional(),
  STRIPE_PRICE_STARTER: z.string().regex(/^price_/, "must be a Stripe price id (price_...)").or(z.literal("")).optional(),
  STRIPE_PRICE_PRO: z.string().regex(/^price_/, "must be a Stripe price id (price_...)").or(z.literal("")).optional(),
  STRIPE_API_BASE: z.url({ protocol: /^https?$/ }).or(z.literal("")).optional(),
  ZLH_BILLING_GRACE_DAYS: z.coerce.number().min(0).max(90).default(7),
  // SSH to dev containers: a tunnel/jump command for the printed config (`%h` = dev-<vmid>.<dev
  // domain>), e.g. `cloudflared access ssh --hostname %h`. Unset: direct Host/Port entries.
  ZLH_SSH_PROXY_COMMAND: z.string().regex(/^[^\r\n\0]*$/, "must be a single line").optional(),
  // The portal's SSH gateway (`ssh -p <port> dev-<vmid>@<portal>`): wakes a stopped dev container
  // and connects through. Unset: no gateway. ZLH_SSH_GATEWAY_HOST is the address it listens on.
  ZLH_SSH_GATEWAY_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  ZLH_SSH_GATEWAY_HOST: z.string().default("0.0.0.0"),
  // The host name the printed SSH config gives for the gateway (default: ZLH_PUBLIC_URL's host).
  ZLH_SSH_GATEWAY_PUBLIC_HOST: z.string().regex(/^[A-Za-z0-9.:-]+$/, "must be a host name or address").optional(),
  // Headscale (self-hosted Tailscale control server) for tailnet auth keys; both or neither.
  ZLH_HEADSCALE_URL: z.url({ protocol: /^https?$/ }).or(z.literal("")).optional(),
  ZLH_HEADSCALE_API_KEY: z.string().or(z.literal("")).optional(),
  // Prometheus: GET /metrics answers only `Authorization: Bearer <this>`; unset, /metrics is 404.
  ZLH_METRICS_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters")
    .refine((v) => !v.startsWith("replace-with-"), "is the placeholder from deploy/prometheus/zlh-metrics-token: use a random token")
    .or(z.literal(""))
    .optional(),
  // Also write the portal's log lines to this file, at ZLH_LOG_FILE_LEVEL (default info).
  ZLH_LOG_FILE: z.string().min(1).optional(),
  ZLH_LOG_FILE_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal"]).optional(),
  // Email (#19): SMTP server URL (smtp:// or smtps://, credentials inside); unset: the local outbox
  // <data>/outbox (.eml files, listed at /dev/outbox in development). ZLH_MAIL_FROM is the sender.
  ZLH_SMTP_URL: z.url({ protocol: /^smtps?$/ }).or(z.literal("")).optional(),
  ZLH_MAIL_FROM: z.string().min(3).max(200).regex(/^[^\r\n]*$/, "must be a single line").optional(),
  // Tests and local development only: let webhooks target loopback/private addresses (never in production).
  ZLH_WEBHOOK_ALLOW_PRIVATE: z.enum(["true", "false"]).default("false"),
});

export type Env = z.infer<typeof schema>;

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.join(".") || "environment";
    // One line, naming the variable: the operator fixes it and starts again.
    process.stderr.write(`Invalid environment: ${name}: ${issue.message}\n`);
    process.exit(1);
  }
  return parsed.data;
}

export const env: Env = load();

/** Absolute data folder (embedded PostgreSQL, local containers, artifact store, generated secrets). */
export const dataDir = path.resolve(env.ZLH_DATA_DIR);
