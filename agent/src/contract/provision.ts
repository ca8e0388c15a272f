import { z } from "zod";
import { artifactRefSchema } from "./catalog";

/** POST /provision body. Idempotent: the same payload again answers with the current state. */
export const gameProvisionSchema = z
  .object({
    /** The game artifact (kind "game") to install, e.g. { name: "flying-squid" }. */
    artifact: artifactRefSchema,
    /** Port the game listens on. */
    port: z.number().int().min(1).max(65535),
    memoryMb: z.number().int().min(128).max(65536).default(1024),
    motd: z.string().max(120).default("A ZeroLagHub server"),
    maxPlayers: z.number().int().min(1).max(1000).default(20),
    /** Start the game as soon as it is installed. */
    autoStart: z.boolean().default(true),
  })
  .strict();
export type GameProvision = z.infer<typeof gameProvisionSchema>;

export const provisionPayloadSchema = z
  .object({
    kind: z.enum(["dev", "game"]),
    /** Dev containers: the runtime to install (name + pinned version, or a channel). */
    runtime: artifactRefSchema.optional(),
    enableCodeServer: z.boolean().default(false),
    game: gameProvisionSchema.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.kind === "dev" && !p.runtime) ctx.addIssue({ code: "custom", path: ["runtime"], message: "a dev container needs a runtime" });
    if (p.kind === "game" && !p.game) ctx.addIssue({ code: "custom", path: ["game"], message: "a game container needs a game" });
    if (p.kind === "game" && p.enableCodeServer) ctx.addIssue({ code: "custom", path: ["enableCodeServer"], message: "code-server is for dev containers" });
  });
export type ProvisionPayload = z.infer<typeof provisionPayloadSchema>;

/** Progress of a running provision, in /status and on the event stream. */
export const provisionProgressSchema = z.object({
  step: z.string(),
  phase: z.enum(["pending", "download", "extract", "verify", "configure", "start", "done", "failed"]),
  bytesDone: z.number().int().nonnegative().optional(),
  bytesTotal: z.number().int().nonnegative().optional(),
  message: z.string().optional(),
});
export type ProvisionProgress = z.infer<typeof provisionProgressSchema>;
