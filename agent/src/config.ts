import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";

/** Agent configuration from flags, falling back to env (flags win). */
export const agentConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1).default("0.0.0.0"),
  root: z.string().min(1).transform((p) => path.resolve(p)),
  token: z.string().min(16, "must be at least 16 characters"),
  artifacts: z.url(),
  /** ed25519 public key (PEM or base64 SPKI DER) the catalog signature must match; unset: unsigned catalogs refused unless insecure. */
  catalogPublicKey: z.string().optional(),
  /** Port code-server binds to (6000 in a real container; the local provider picks one per container). */
  codeServerPort: z.coerce.number().int().min(1).max(65535).default(6000),
  /** Port of the dev container's SSH server (local provider gives each container its own). */
  sshPort: z.coerce.number().int().min(0).max(65535).default(0),
  /** Portal URL the agent may call back (SSH key lookups); optional. */
  portalUrl: z.url().optional(),
  logLevel: z.string().default("info"),
});

export type AgentConfig = z.infer<typeof agentConfigSchema>;

export function loadAgentConfig(argv = process.argv.slice(2), env = process.env): AgentConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      root: { type: "string" },
      token: { type: "string" },
      artifacts: { type: "string" },
      "catalog-public-key": { type: "string" },
      "code-server-port": { type: "string" },
      "ssh-port": { type: "string" },
      "portal-url": { type: "string" },
      "log-level": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  });
  const parsed = agentConfigSchema.safeParse({
    port: values.port ?? env.ZLH_AGENT_PORT,
    host: values.host ?? env.ZLH_AGENT_HOST,
    root: values.root ?? env.ZLH_AGENT_ROOT,
    token: values.token ?? env.ZLH_AGENT_TOKEN,
    artifacts: values.artifacts ?? env.ZLH_ARTIFACTS_URL,
    catalogPublicKey: values["catalog-public-key"] ?? env.ZLH_CATALOG_PUBLIC_KEY,
    codeServerPort: values["code-server-port"] ?? env.ZLH_CODE_SERVER_PORT,
    sshPort: values["ssh-port"] ?? env.ZLH_SSH_PORT,
    portalUrl: values["portal-url"] ?? env.ZLH_PORTAL_URL,
    logLevel: values["log-level"] ?? env.LOG_LEVEL,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid agent configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data;
}
