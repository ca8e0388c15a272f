import type { Server } from "../../generated/prisma/client";
import { provisioningRuntime } from "../provisioning/runtime";
import { decryptToken } from "../provisioning/token-codec";

/**
 * A raw fetch to a server's agent with its bearer token, for what the JSON client does not cover
 * (streamed bodies, Prometheus text). The URL and token come from the database row, never from a request.
 */
export function agentFetch(server: Pick<Server, "id" | "agentUrl" | "agentTokenEnc">, path: string, init: RequestInit & { duplex?: "half" } = {}): Promise<Response> {
  if (!server.agentUrl || !server.agentTokenEnc) return Promise.reject(new Error("the server has no agent yet"));
  const token = decryptToken(server.agentTokenEnc, provisioningRuntime().secretKey, server.id);
  return fetch(`${server.agentUrl.replace(/\/+$/, "")}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
}
