import { z } from "zod";
import { agentStateSchema } from "./status";
import { provisionProgressSchema } from "./provision";

/**
 * GET /events (Server-Sent Events, bearer token): one `data: <json>` line per event, `: ping`
 * comments as keep-alives. On connect the current state and progress are sent first. Modules emit
 * with ctx.events.emit("event", ev); events that do not match this schema are dropped.
 * Progress `step` names: "devenv", "runtime", each contributed provision step's name, "done" during
 * POST /provision; "runtime:<name>" for a direct POST /runtimes/install.
 */
export const progressEventSchema = provisionProgressSchema.extend({ type: z.literal("progress") });
export const stateEventSchema = z.object({
  type: z.literal("state"),
  state: agentStateSchema,
  error: z.string().optional(),
  provisioningComplete: z.boolean(),
});
export const logEventSchema = z.object({
  type: z.literal("log"),
  level: z.enum(["debug", "info", "warn", "error"]),
  msg: z.string(),
  /** Which module said it, e.g. "runtimes", "game". */
  source: z.string().optional(),
});

export const agentEventSchema = z.discriminatedUnion("type", [progressEventSchema, stateEventSchema, logEventSchema]);
export type AgentEvent = z.infer<typeof agentEventSchema>;
export type ProgressEvent = z.infer<typeof progressEventSchema>;
export type StateEvent = z.infer<typeof stateEventSchema>;
export type LogEvent = z.infer<typeof logEventSchema>;

/** The name of the EventEmitter event on ctx.events that carries AgentEvents. */
export const AGENT_EVENT = "event";
