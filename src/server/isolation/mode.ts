import { existsSync } from "node:fs";
import { chooseProvider } from "../provisioning/providers/select";

/**
 * Whether this portal isolates its tenants. Only the `unisolated` provider (bubblewrap, for
 * non-root development; "local" is its old name) does not: it runs every container as the portal's
 * own user, so the portal then allows a single account, says so on every page and at start-up.
 * Same rule as provisioning's runtime: ZLH_PROVIDER, else lxc as root with LXC installed.
 */
export type ProviderKind = "lxc" | "unisolated" | "proxmox";

export type HostFacts = { root: boolean; lxcInstalled: boolean };

export const hostFacts = (): HostFacts => ({ root: process.getuid?.() === 0, lxcInstalled: existsSync("/usr/bin/lxc-start") });

export function effectiveProvider(configured: string | undefined, facts: HostFacts): ProviderKind {
  if (configured === "lxc" || configured === "proxmox") return configured;
  if (configured === "unisolated" || configured === "local") return "unisolated";
  return chooseProvider(facts);
}

export const isUnisolated = (env: NodeJS.ProcessEnv = process.env, facts: HostFacts = hostFacts()) =>
  effectiveProvider(env.ZLH_PROVIDER, facts) === "unisolated";

/** What the banner on every page says. */
export const UNISOLATED_NOTICE =
  "Unisolated mode: containers run as this machine's user with no isolation between them and the portal, so only one account can exist. Do not host other people here.";

/**
 * The start-up log line on the unisolated provider: why it was chosen and how to get isolation.
 * Null when tenants are isolated.
 */
export function isolationAdvice(kind: ProviderKind, facts: HostFacts): string | null {
  if (kind !== "unisolated") return null;
  const how = !facts.root
    ? "run the portal as root (sudo npm run dev): it installs LXC through scripts/system-deps.sh and uses the lxc provider"
    : !facts.lxcInstalled
      ? "install LXC (bash scripts/system-deps.sh) and restart, or set ZLH_PROVIDER=lxc"
      : "unset ZLH_PROVIDER (or set ZLH_PROVIDER=lxc) and restart";
  return `provider "unisolated": containers are NOT isolated (they run as this user and share its files and network); a single account is allowed. For real isolation, ${how}.`;
}
