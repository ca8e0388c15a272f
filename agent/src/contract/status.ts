import { z } from "zod";
import { containerStatsSchema } from "./container-stats";
import { provisionProgressSchema } from "./provision";

/** Agent lifecycle: booting until every module is up, provisioning while POST /provision runs. */
export const agentStates = ["booting", "provisioning", "ready", "error"] as const;
export const agentStateSchema = z.enum(agentStates);
export type AgentState = z.infer<typeof agentStateSchema>;

/** An installed runtime under /opt/zlh/runtimes/<name>/<version> (paths are container paths). */
export const installedRuntimeSchema = z.object({
  name: z.string(),
  version: z.string(),
  current: z.boolean(),
  /** Container path of the install dir, e.g. /opt/zlh/runtimes/node/22.1.0. */
  path: z.string(),
});
export type InstalledRuntime = z.infer<typeof installedRuntimeSchema>;

export const devUserSchema = z.object({
  name: z.string(),
  uid: z.number().int(),
  /** false when the agent's own user stands in for `dev` (local provider, agent not root or root folder not "/"). */
  real: z.boolean(),
});
export type DevUser = z.infer<typeof devUserSchema>;

/**
 * GET /status. The sections `codeServer`, `game` and `ssh` are filled by their own modules (via
 * ctx.addStatus) and typed by their own contract files; here they pass through untouched.
 */
export const agentStatusSchema = z
  .object({
    agentVersion: z.string(),
    uptimeSeconds: z.number().nonnegative(),
    state: agentStateSchema,
    /** The reason, when state is "error". */
    error: z.string().optional(),
    provisioningComplete: z.boolean(),
    kind: z.enum(["dev", "game"]).optional(),
    devUser: devUserSchema,
    runtimes: z.array(installedRuntimeSchema),
    /** The running (or last) provisioning step's progress. */
    progress: provisionProgressSchema.optional(),
    /** true once a catalog fetched from the artifact server passed the signature check. */
    catalogVerified: z.boolean(),
    codeServer: z.unknown().optional(),
    game: z.unknown().optional(),
    ssh: z.unknown().optional(),
    /** The container's own CPU, memory, pids, disk and network figures; null on the unisolated provider. */
    container: containerStatsSchema.nullable().optional(),
  })
  .loose();
export type AgentStatus = z.infer<typeof agentStatusSchema>;

/**
 * POST /provision answers with the status: 202 when it started (or restarted) the pipeline, 200
 * when the same payload was already running or done (no-op). 409 for a different payload while one runs.
 */
export const provisionResponseSchema = agentStatusSchema;
export type ProvisionResponse = AgentStatus;
