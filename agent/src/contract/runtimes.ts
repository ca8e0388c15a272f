import { z } from "zod";
import { artifactNameSchema, channelSchema, versionSchema } from "./catalog";
import { installedRuntimeSchema } from "./status";

/** POST /runtimes/install: a pinned version wins over a channel (stable by default). */
export const runtimeInstallRequestSchema = z
  .object({ name: artifactNameSchema, version: versionSchema.optional(), channel: channelSchema.optional() })
  .strict();
export type RuntimeInstallRequest = z.infer<typeof runtimeInstallRequestSchema>;

export const runtimeInstallResponseSchema = z.object({
  runtime: installedRuntimeSchema,
  /** false when that version was already installed (it was only made current again). */
  installed: z.boolean(),
  /** The version that was current before, kept for rollback. */
  previous: z.string().optional(),
});
export type RuntimeInstallResponse = z.infer<typeof runtimeInstallResponseSchema>;

/** POST /runtimes/rollback: current <-> previous. */
export const runtimeRollbackRequestSchema = z.object({ name: artifactNameSchema }).strict();
export const runtimeRollbackResponseSchema = z.object({ runtime: installedRuntimeSchema, previous: z.string().optional() });
export type RuntimeRollbackResponse = z.infer<typeof runtimeRollbackResponseSchema>;

/** GET /runtimes. DELETE /runtimes/:name/:version[?force=1] answers { removed: true }. */
export const runtimesListResponseSchema = z.object({ runtimes: z.array(installedRuntimeSchema) });
export type RuntimesListResponse = z.infer<typeof runtimesListResponseSchema>;
