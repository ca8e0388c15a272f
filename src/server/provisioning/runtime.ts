import path from "node:path";
import { z } from "zod";
import { artifactsBaseUrl, getCatalogPublicKey } from "../artifacts/index";
import { parseSecretKey } from "./token-codec";
import { LocalProvider } from "./providers/local";
import { LxcProvider } from "./providers/lxc";
import { agentTuningFlags } from "./providers/lxc-config";
import { defaultProviderKind } from "./providers/select";
import { ProxmoxProvider } from "./providers/proxmox";
import type { Provider } from "./providers/types";

/**
 * Provisioning's settings and provider, resolved from the environment on first use (the same
 * variables as src/env.ts, read lazily so tests and the benchmark can point them at temp folders).
 * Kept on globalThis: Next's bundle of the tRPC routes and server.ts share one process and one state.
 */
const schema = z.object({
  ZLH_DATA_DIR: z.string().min(1).default(".data"),
  /** lxc (real containers; the default as root with LXC installed), unisolated (bubblewrap; "local" is its old name), proxmox. */
  ZLH_PROVIDER: z.enum(["lxc", "unisolated", "local", "proxmox"]).optional(),
  /** Host address the lxc provider publishes game and SSH ports on. */
  ZLH_GAME_BIND: z.string().min(1).optional(),
  ZLH_SECRET_KEY: z.string().optional(),
  ZLH_PUBLIC_URL: z.url().optional(),
  PORT: z.coerce.number().int().default(3000),
  /** How long an agent may take to answer /healthz after its container starts. */
  ZLH_AGENT_START_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
  /** How long POST /provision may run (downloads included) before the job gives up. */
  ZLH_PROVISION_TIMEOUT_MS: z.coerce.number().int().positive().default(15 * 60_000),
  /** A server still provisioning/deleting this long after its job was queued is failed and cleaned up. */
  ZLH_PROVISION_DEADLINE_MS: z.coerce.number().int().positive().default(30 * 60_000),
  ZLH_PROXMOX_URL: z.url().optional(),
  ZLH_PROXMOX_TOKEN_ID: z.string().optional(),
  ZLH_PROXMOX_TOKEN_SECRET: z.string().optional(),
  ZLH_PROXMOX_NODE: z.string().optional(),
  /** Comma-separated nodes new containers may be placed on (default: ZLH_PROXMOX_NODE only). */
  ZLH_PROXMOX_NODES: z
    .string()
    .regex(/^[\w.-]+(,[\w.-]+)*$/, "a comma-separated list of node names")
    .optional(),
  ZLH_PROXMOX_TEMPLATE: z.string().optional(),
  ZLH_PROXMOX_STORAGE: z.string().optional(),
  ZLH_PROXMOX_BRIDGE: z.string().optional(),
  /** The portal's address as containers see it: the only source their agent port accepts (proxmox). */
  ZLH_PORTAL_ADDRESS: z.string().optional(),
});

export type ArtifactsSource = { url: string; publicKey?: string };

export type ProvisioningRuntime = {
  provider: Provider;
  dataDir: string;
  secretKey: Buffer;
  artifacts: () => Promise<ArtifactsSource>;
  agentStartTimeoutMs: number;
  provisionTimeoutMs: number;
  deadlineMs: number;
};

const g = globalThis as unknown as { __zlhProvisioning?: ProvisioningRuntime };

export function runtimeFromEnv(source: NodeJS.ProcessEnv = process.env): ProvisioningRuntime {
  const e = schema.parse(source);
  const dataDir = path.resolve(e.ZLH_DATA_DIR);
  const portalUrl = e.ZLH_PUBLIC_URL ?? `http://127.0.0.1:${e.PORT}`;
  const kind = e.ZLH_PROVIDER ?? defaultProviderKind();
  const provider: Provider =
    kind === "lxc"
      ? new LxcProvider({ dataDir, publishAddress: e.ZLH_GAME_BIND, logLevel: source.AGENT_LOG_LEVEL, agentFlags: agentTuningFlags(source) })
      : kind === "proxmox"
      ? new ProxmoxProvider({
          url: required(e.ZLH_PROXMOX_URL, "ZLH_PROXMOX_URL"),
          tokenId: required(e.ZLH_PROXMOX_TOKEN_ID, "ZLH_PROXMOX_TOKEN_ID"),
          tokenSecret: required(e.ZLH_PROXMOX_TOKEN_SECRET, "ZLH_PROXMOX_TOKEN_SECRET"),
          node: required(e.ZLH_PROXMOX_NODE, "ZLH_PROXMOX_NODE"),
          nodes: e.ZLH_PROXMOX_NODES?.split(","),
          template: required(e.ZLH_PROXMOX_TEMPLATE, "ZLH_PROXMOX_TEMPLATE"),
          storage: e.ZLH_PROXMOX_STORAGE ?? "local-lvm",
          bridge: e.ZLH_PROXMOX_BRIDGE ?? "vmbr0",
          portalAddress: required(e.ZLH_PORTAL_ADDRESS, "ZLH_PORTAL_ADDRESS"),
        })
      : new LocalProvider({ dataDir, portalUrl });
  return {
    provider,
    dataDir,
    secretKey: parseSecretKey(e.ZLH_SECRET_KEY),
    // Read per use: the artifact store's settings come from the same environment (ZLH_ARTIFACTS_URL,
    // ZLH_ARTIFACTS_PUBLIC_KEY, else this portal's own /artifacts/ and signing key).
    artifacts: async () => ({ url: artifactsBaseUrl(), publicKey: getCatalogPublicKey() }),
    agentStartTimeoutMs: e.ZLH_AGENT_START_TIMEOUT_MS,
    provisionTimeoutMs: e.ZLH_PROVISION_TIMEOUT_MS,
    deadlineMs: e.ZLH_PROVISION_DEADLINE_MS,
  };
}

function required(v: string | undefined, name: string): string {
  if (!v) throw new Error(`Invalid environment: ${name}: required when ZLH_PROVIDER=proxmox`);
  return v;
}

export function provisioningRuntime(): ProvisioningRuntime {
  return (g.__zlhProvisioning ??= runtimeFromEnv());
}

/** Replaces the runtime (tests and the benchmark use temp folders and their own artifact store). */
export function setProvisioningRuntime(r: ProvisioningRuntime | undefined): void {
  g.__zlhProvisioning = r;
}
