import { agentFetch } from "../files/agent-fetch";
import { agentClientFor } from "../provisioning/agent-for";
import type { ReadAgent } from "./sampler";

const TIMEOUT_MS = 5_000;

/**
 * Reads one server's figures through its agent: GET /status, plus GET /metrics only when the agent
 * has no container section (an agent from before container stats), for its own process figures.
 */
export const readAgentFigures: ReadAgent = async (server) => {
  const client = agentClientFor(server, { retries: 0, timeoutMs: TIMEOUT_MS });
  if (!client) throw new Error("the server has no agent yet");
  const status = await client.status({ retries: 0, timeoutMs: TIMEOUT_MS });
  if ((status as { container?: unknown }).container) return { status, metricsText: null };
  const res = await agentFetch({ agentCertPinEnc: null, ...server }, "/metrics", { signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status, metricsText: res.ok ? await res.text() : (await res.body?.cancel(), null) };
};
