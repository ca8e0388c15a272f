import { AgentClient } from "../agent-client";
import type { AgentEndpoint } from "../agent-client/transport";
import { provisioningRuntime } from "./runtime";
import { decryptToken, encryptToken } from "./token-codec";

/** What the portal needs of a server row to reach its agent. */
export type AgentRow = { id: string; agentUrl: string | null; agentTokenEnc: string | null; agentCertPinEnc?: string | null };

/** The pin is encrypted like the token, bound to the row under its own label so the two never swap. */
const pinLabel = (serverId: string) => `${serverId}/agent-cert-pin`;

export function encryptPin(pin: string, serverId: string): string {
  return encryptToken(pin, provisioningRuntime().secretKey, pinLabel(serverId));
}

/** The endpoint (URL + pinned fingerprint) and bearer token of a server's agent, or null before it exists. */
export function agentAccessFor(server: AgentRow): { endpoint: AgentEndpoint; token: string } | null {
  if (!server.agentUrl || !server.agentTokenEnc) return null;
  const key = provisioningRuntime().secretKey;
  const token = decryptToken(server.agentTokenEnc, key, server.id);
  const pin = server.agentCertPinEnc ? decryptToken(server.agentCertPinEnc, key, pinLabel(server.id)) : null;
  return { endpoint: { url: server.agentUrl, pin }, token };
}

/** The agent client for a server row (its endpoint, pin and decrypted token), or null before the agent exists. */
export function agentClientFor(server: AgentRow, opts: { timeoutMs?: number; retries?: number } = {}): AgentClient | null {
  const a = agentAccessFor(server);
  return a ? new AgentClient({ url: a.endpoint.url, pin: a.endpoint.pin, token: a.token, ...opts }) : null;
}
