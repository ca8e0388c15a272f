import { env } from "../../env";
import { getServerForUser } from "../provisioning/service";
import { sshConfigSnippet, sshHostAlias, sshWildcardSnippet, type SnippetDeployment } from "./snippet";

/** Where users reach the gateway: ZLH_SSH_GATEWAY_PUBLIC_HOST, else the portal's public host name. */
function gatewayHost(): string {
  if (env.ZLH_SSH_GATEWAY_PUBLIC_HOST) return env.ZLH_SSH_GATEWAY_PUBLIC_HOST;
  const url = env.ZLH_PUBLIC_URL ?? env.NEXTAUTH_URL;
  return url ? new URL(url).hostname : "127.0.0.1";
}

export const deployment = (): SnippetDeployment => ({
  devDomain: env.ZLH_DEV_DOMAIN,
  proxyCommand: env.ZLH_SSH_PROXY_COMMAND,
  gateway: env.ZLH_SSH_GATEWAY_PORT ? { host: gatewayHost(), port: env.ZLH_SSH_GATEWAY_PORT } : undefined,
});

export type SshConfigView = {
  /** `ssh <alias>` after pasting the snippet. */
  alias: string;
  /** The `Host dev-<vmid>` block; null while the container has no SSH endpoint (or is not a dev server). */
  snippet: string | null;
  /** The deployment-wide `Host *.<dev domain>` block when a tunnel command is configured. */
  wildcard: string | null;
  command: string;
};

/** The SSH config for one of the caller's dev servers. */
export async function sshConfigForServer(userId: string, serverId: string): Promise<SshConfigView> {
  const s = await getServerForUser(userId, serverId);
  const alias = sshHostAlias(s.vmid);
  const d = deployment();
  const usable = s.kind === "dev" && s.status !== "deleted";
  return { alias, snippet: usable ? sshConfigSnippet(s, d) : null, wildcard: sshWildcardSnippet(d), command: `ssh ${alias}` };
}
