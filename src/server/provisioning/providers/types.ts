/**
 * What provisioning asks of a container platform. Every operation is idempotent: create on an
 * existing container returns it, destroy on a missing one succeeds, start on a running one is a no-op.
 */
export type ContainerSpec = {
  serverId: string;
  vmid: number;
  kind: "dev" | "game";
  memoryMb: number;
  hostname: string;
  /** The agent's bearer token for this container (fresh on every (re)creation). */
  agentToken: string;
  artifactsUrl: string;
  catalogPublicKey?: string;
};

export type CreatedContainer = {
  agentUrl: string;
  sshHost: string | null;
  sshPort: number | null;
  /** Port the game server binds to inside the container. */
  gamePort: number;
  isolated: boolean;
  /** Opaque to the caller; persisted as Server.providerRef and passed back on every call. */
  providerRef: string;
  /** Where a cluster provider put the container, and the nodes it passed over with their reasons. */
  placement?: { node: string; skipped: { node: string; reason: string }[] };
};

export type ContainerState = "running" | "stopped" | "missing";

export type StartOptions = {
  /** Token the agent must accept (a provider that can pass one at start rotates it here). */
  agentToken: string;
  artifactsUrl: string;
  catalogPublicKey?: string;
};

export interface Provider {
  readonly name: "local" | "lxc" | "proxmox";
  /** A vmid candidate at or above `atLeast`; the database's unique constraint settles races. */
  nextVmid(atLeast: number): Promise<number>;
  create(spec: ContainerSpec): Promise<CreatedContainer>;
  start(providerRef: string, opts: StartOptions): Promise<CreatedContainer>;
  /** Graceful stop (SIGTERM / shutdown) within timeoutMs, then forced. */
  stop(providerRef: string, timeoutMs?: number): Promise<void>;
  state(providerRef: string): Promise<ContainerState>;
  destroy(providerRef: string): Promise<void>;
  /** The port the game binds to inside this container. */
  gamePortOf(providerRef: string): Promise<number>;
  /** A few lines explaining why an agent did not come up (its log tail), when the provider has them. */
  diagnostics(providerRef: string): Promise<string>;
  /** Whether a started agent can pick up a new token at start (local: yes; proxmox: only at create). */
  readonly rotatesTokenOnStart: boolean;
}
