/**
 * The agent's contract: request and response schemas shared by the agent and the portal's agent
 * client. Import types from here; never copy them.
 */
export * from "./catalog";
export * from "./catalog-signature";
export * from "./provision";
export * from "./status";
export * from "./events";
export * from "./runtimes";
export * from "./console";
export * from "./files";
export * from "./codeserver";
export * from "./game";
export * from "./ssh";
export * from "./backup";
export * from "./container-stats";
export * from "./logs";
