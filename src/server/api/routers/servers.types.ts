import { z } from "zod";
import { artifactNameSchema, powerActionSchema, versionSchema } from "../../../../agent/src/contract";

/** Inputs of the servers router. */
export const serverIdInput = z.object({ serverId: z.string().min(1).max(64) });

export const createServerInput = z
  .object({
    kind: z.enum(["dev", "game"]),
    name: z.string().trim().min(1).max(60).regex(/^[\p{L}\p{N} ._'-]+$/u, "letters, digits, spaces and . _ ' - only"),
    /** Dev servers: a runtime from servers.runtimeCatalog and optionally one of its versions (default: stable). */
    runtimeId: artifactNameSchema.optional(),
    runtimeVersion: versionSchema.optional(),
    /** Game servers: a game from servers.runtimeCatalog (e.g. "flying-squid"). */
    gameTemplate: artifactNameSchema.optional(),
    enableCodeServer: z.boolean().default(false),
    memoryMb: z.number().int().min(256).max(65536).default(1024),
  })
  .strict();

export const serverEventsInput = serverIdInput.extend({
  /** Only events after this time (for polling the timeline). */
  after: z.date().optional(),
  limit: z.number().int().min(1).max(1000).default(500),
});

export const gamePowerInput = serverIdInput.extend({ action: powerActionSchema });
