import { z } from "zod";

/**
 * The logs of what runs in a container, readable from the portal:
 *   GET /logs/:source?tail=N   -> LogTail (the last N lines, at most 2000, ANSI escapes removed)
 *   GET /logs/:source/download -> the whole file (text/plain), as long as it was when asked
 * Sources: "game" (the game server's console output) and "code-server".
 */
export const logSources = ["game", "code-server"] as const;
export const logSourceSchema = z.enum(logSources);
export type LogSource = z.infer<typeof logSourceSchema>;

export const MAX_TAIL_LINES = 2000;
export const logTailQuerySchema = z.object({ tail: z.coerce.number().int().min(1).max(MAX_TAIL_LINES).default(200) });

export const logTailSchema = z.object({
  source: logSourceSchema,
  /** False when the source has not written a log yet (no game installed, code-server never started). */
  exists: z.boolean(),
  sizeBytes: z.number().int().nonnegative(),
  lines: z.array(z.string()),
  /** True when older lines exist before the first one returned. */
  truncated: z.boolean(),
});
export type LogTail = z.infer<typeof logTailSchema>;
