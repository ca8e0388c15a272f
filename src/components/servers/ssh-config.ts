/**
 * The ~/.ssh/config block for a dev server (pure). Containers on this machine (lxc, unisolated
 * stored as "local") are published on a port of this machine: a direct HostName/Port entry. Other providers: a wildcard `Host *.<dev domain>`
 * with `User dev`, and this server's name under the dev domain pointing at its SSH endpoint.
 */
export type SshTarget = { vmid: number; provider: string; sshHost: string | null; sshPort: number | null };
/** The portal's SSH gateway (ZLH_SSH_GATEWAY_PORT): preferred, since it starts a stopped server. */
export type SshGateway = { host: string; port: number };

export function sshConfigSnippet(t: SshTarget, devDomain: string, gateway: SshGateway | null = null): string | null {
  if (gateway) {
    const alias = `dev-${t.vmid}`;
    return [`Host ${alias}`, `  HostName ${gateway.host}`, `  Port ${gateway.port}`, `  User ${alias}`, "  HostKeyAlias zlh-ssh-gateway", ""].join("\n");
  }
  if (!t.sshHost || !t.sshPort) return null;
  const alias = `dev-${t.vmid}`;
  if (t.provider === "local" || t.provider === "lxc") {
    return [`Host ${alias}`, `  HostName ${t.sshHost}`, `  Port ${t.sshPort}`, "  User dev", "  StrictHostKeyChecking accept-new", ""].join("\n");
  }
  return [
    `Host *.${devDomain}`,
    "  User dev",
    "",
    `Host ${alias}.${devDomain}`,
    `  HostName ${t.sshHost}`,
    `  Port ${t.sshPort}`,
    "",
  ].join("\n");
}
