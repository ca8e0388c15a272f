import type { Server } from "../../generated/prisma/client";
import { agentFetch as transportFetch, type AgentFetchInit } from "../agent-client/transport";
import { agentAccessFor } from "../provisioning/agent-for";
import { requestIdHeaders } from "../log/request-scope";

/**
 * A raw fetch to a server's agent with its bearer token, for what the JSON client does not cover
 * (streamed bodies, Prometheus text). The endpoint and token come from the database row, never from a request.
 */
export function agentFetch(server: Pick<Server, "id" | "agentUrl" | "agentTokenEnc" | "agentCertPinEnc">, path: string, init: AgentFetchInit = {}): Promise<Response> {
  const access = agentAccessFor(server);
  if (!access) return Promise.reject(new Error("the server has no agent yet"));
  return transportFetch(access.endpoint, path, { ...init, headers: { ...(init.headers as Record<string, string>), ...requestIdHeaders(), authorization: `Bearer ${access.token}` } });
}
