import { AgentClient } from "../agent-client";
import { provisioningRuntime } from "./runtime";
import { decryptToken } from "./token-codec";

/** The agent client for a server row (its URL and decrypted token), or null before the agent exists. */
export function agentClientFor(server: { id: string; agentUrl: string | null; agentTokenEnc: string | null }, opts: { timeoutMs?: number; retries?: number } = {}): AgentClient | null {
  if (!server.agentUrl || !server.agentTokenEnc) return null;
  const token = decryptToken(server.agentTokenEnc, provisioningRuntime().secretKey, server.id);
  return new AgentClient({ url: server.agentUrl, token, ...opts });
}
