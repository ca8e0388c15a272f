import type { AgentContext } from "./context";

/**
 * The agent's modules, registered in order. Each adds its routes, status sections, metrics and
 * shutdown hooks to the context. Core (status, provision, runtimes, dev env) comes first.
 */
export type AgentModule = (ctx: AgentContext) => Promise<void> | void;

export const modules: AgentModule[] = [];
