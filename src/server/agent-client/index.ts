export { AgentClient, type AgentClientOptions } from "./client";
export { AgentResponseError, AgentUnauthorizedError, AgentUnreachableError, isAgentError, type AgentClientError } from "./errors";
