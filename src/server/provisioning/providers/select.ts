import { existsSync } from "node:fs";

/**
 * Which provider runs when ZLH_PROVIDER is unset: real LXC containers when the portal runs as root
 * on a machine with LXC (scripts/system-deps.sh installs it), else the unisolated bubblewrap
 * provider, which is for non-root development only.
 */
export function chooseProvider(facts: { root: boolean; lxcInstalled: boolean }): "lxc" | "unisolated" {
  return facts.root && facts.lxcInstalled ? "lxc" : "unisolated";
}

export function defaultProviderKind(): "lxc" | "unisolated" {
  return chooseProvider({ root: process.getuid?.() === 0, lxcInstalled: existsSync("/usr/bin/lxc-start") });
}
