import { portalMetrics } from "../metrics/registry";

/**
 * Agent failures as the portal reports them: the agent is down, refuses our token, or says no.
 * Each one counts into zlh_agent_call_errors_total when made: every failing call of the agent
 * client ends in exactly one of these, so counting here needs no code at the call sites.
 */
export class AgentUnreachableError extends Error {
  readonly code = "AGENT_UNREACHABLE";
  constructor(readonly url: string, cause: unknown) {
    super(`agent at ${url} is unreachable: ${(cause as Error)?.message ?? String(cause)}`);
    portalMetrics().agentErrors.inc({ kind: (cause as Error)?.name === "TimeoutError" ? "timeout" : "unreachable" });
  }
}

export class AgentUnauthorizedError extends Error {
  readonly code = "AGENT_UNAUTHORIZED";
  constructor(readonly url: string) {
    super(`agent at ${url} refused the portal's token`);
    portalMetrics().agentErrors.inc({ kind: "unauthorized" });
  }
}

export class AgentResponseError extends Error {
  readonly code = "AGENT_ERROR";
  constructor(
    readonly status: number,
    readonly agentMessage: string,
    readonly details?: unknown,
  ) {
    super(`agent answered ${status}: ${agentMessage}`);
    portalMetrics().agentErrors.inc({ kind: status >= 500 ? "response_5xx" : status >= 400 ? "response_4xx" : "contract" });
  }
}

export type AgentClientError = AgentUnreachableError | AgentUnauthorizedError | AgentResponseError;

export function isAgentError(err: unknown): err is AgentClientError {
  return err instanceof AgentUnreachableError || err instanceof AgentUnauthorizedError || err instanceof AgentResponseError;
}
