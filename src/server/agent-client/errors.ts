/** Agent failures as the portal reports them: the agent is down, refuses our token, or says no. */
export class AgentUnreachableError extends Error {
  readonly code = "AGENT_UNREACHABLE";
  constructor(readonly url: string, cause: unknown) {
    super(`agent at ${url} is unreachable: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

export class AgentUnauthorizedError extends Error {
  readonly code = "AGENT_UNAUTHORIZED";
  constructor(readonly url: string) {
    super(`agent at ${url} refused the portal's token`);
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
  }
}

export type AgentClientError = AgentUnreachableError | AgentUnauthorizedError | AgentResponseError;

export function isAgentError(err: unknown): err is AgentClientError {
  return err instanceof AgentUnreachableError || err instanceof AgentUnauthorizedError || err instanceof AgentResponseError;
}
