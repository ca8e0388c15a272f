import type { AgentContext } from "./context";
import { coreModule } from "./core";
import { runtimesModule } from "./runtimes";
import { registerConsole } from "./console/module";
import { registerFiles } from "./files/module";
import { registerCodeServer } from "./codeserver/module";
import { registerGame } from "./game";
import { registerSsh } from "./ssh/module";
import { registerContainerStats } from "./container-stats/module";
import { registerAgentMetrics } from "./metrics/module";
import { registerLogs } from "./logs/module";
import { registerBackup } from "./backup/module";
import { registerActivity } from "./activity/module";

/**
 * The agent's modules, registered in order. Each adds its routes, status sections, metrics and
 * shutdown hooks to the context. Core (status, provision, runtimes, dev env) comes first.
 */
export type AgentModule = (ctx: AgentContext) => Promise<void> | void;

export const modules: AgentModule[] = [coreModule, runtimesModule, registerConsole, registerFiles, registerCodeServer, registerGame, registerSsh, registerBackup, registerActivity, registerLogs, registerAgentMetrics, registerContainerStats];
