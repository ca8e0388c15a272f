/**
 * The SSH config a user pastes into ~/.ssh/config for a dev container, for this deployment:
 * - with the portal's SSH gateway (ZLH_SSH_GATEWAY_PORT): the gateway, login name `dev-<vmid>`;
 * - with a tunnel/jump command configured (ZLH_SSH_PROXY_COMMAND, e.g. `cloudflared access ssh
 *   --hostname %h`): `Host dev-<vmid>` reaching `dev-<vmid>.<dev domain>` through that command;
 * - otherwise a direct entry for the container's recorded SSH endpoint (the local provider gives
 *   each container its own port on 127.0.0.1).
 * Then `ssh dev-<vmid>` works as printed. Pure: the caller passes the server row's fields.
 */
export const SSH_USER = "dev";

export type SnippetServer = { vmid: number; sshHost: string | null; sshPort: number | null };
export type SnippetDeployment = {
  /** ZLH_DEV_DOMAIN. */
  devDomain: string;
  /** ZLH_SSH_PROXY_COMMAND; `%h` is the container's host name, `%p` its SSH port. */
  proxyCommand?: string | undefined;
  /** The portal's SSH gateway (ZLH_SSH_GATEWAY_PORT): it wakes stopped containers, so it is preferred. */
  gateway?: { host: string; port: number } | undefined;
};

/** One known_hosts entry for the gateway, whichever container a block names. */
export const GATEWAY_HOST_KEY_ALIAS = "zlh-ssh-gateway";

export const sshHostAlias = (vmid: number) => `dev-${vmid}`;

/** Config values must stay on their line: a newline would let a value add directives. */
function oneLine(value: string, what: string): string {
  if (/[\r\n\0]/.test(value)) throw new Error(`${what} must be a single line`);
  return value;
}

/** The `Host dev-<vmid>` block, or null when the container has no SSH endpoint yet. */
export function sshConfigSnippet(server: SnippetServer, deployment: SnippetDeployment): string | null {
  const alias = sshHostAlias(server.vmid);
  if (deployment.gateway) {
    // The login name picks the container; the gateway starts it when it is stopped.
    return [
      `Host ${alias}`,
      `  HostName ${oneLine(deployment.gateway.host, "gateway host")}`,
      `  Port ${deployment.gateway.port}`,
      `  User ${alias}`,
      `  HostKeyAlias ${GATEWAY_HOST_KEY_ALIAS}`,
      "",
    ].join("\n");
  }
  const proxy = deployment.proxyCommand?.trim();
  if (proxy) {
    const lines = [
      `Host ${alias}`,
      `  HostName ${oneLine(`${alias}.${deployment.devDomain}`, "host name")}`,
      `  User ${SSH_USER}`,
      ...(server.sshPort ? [`  Port ${server.sshPort}`] : []),
      `  ProxyCommand ${oneLine(proxy, "proxy command")}`,
      // One known_hosts entry per container, whatever address the tunnel uses.
      `  HostKeyAlias ${alias}`,
    ];
    return `${lines.join("\n")}\n`;
  }
  if (!server.sshHost || !server.sshPort) return null;
  return [
    `Host ${alias}`,
    `  HostName ${oneLine(server.sshHost, "SSH host")}`,
    `  Port ${server.sshPort}`,
    `  User ${SSH_USER}`,
    `  HostKeyAlias ${alias}`,
    "",
  ].join("\n");
}

/** The deployment-wide wildcard block (seed: `Host *.<dev domain>`), only with a tunnel command. */
export function sshWildcardSnippet(deployment: SnippetDeployment): string | null {
  const proxy = deployment.proxyCommand?.trim();
  if (!proxy) return null;
  return [`Host *.${oneLine(deployment.devDomain, "dev domain")}`, `  User ${SSH_USER}`, `  ProxyCommand ${oneLine(proxy, "proxy command")}`, ""].join("\n");
}
