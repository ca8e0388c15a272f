import { z } from "zod";
import { artifactNameSchema, versionSchema } from "./catalog";

/**
 * The game supervisor's contract (agent routes under /game, the "game" section of /status and the
 * game console WebSocket). The portal's agent client imports these; the agent validates with them.
 */
export const gamePhases = ["stopped", "starting", "running", "stopping", "crashed", "error"] as const;
export const gamePhaseSchema = z.enum(gamePhases);
export type GamePhase = z.infer<typeof gamePhaseSchema>;

export const powerActions = ["start", "stop", "restart", "kill"] as const;
export const powerActionSchema = z.enum(powerActions);
export type PowerAction = z.infer<typeof powerActionSchema>;

export const crashClassifications = ["oom", "mod_or_plugin_error", "missing_dependency", "nonzero_exit", "unexpected_exit"] as const;
export const crashClassificationSchema = z.enum(crashClassifications);
export type CrashClassification = z.infer<typeof crashClassificationSchema>;

/** One unexpected exit of the game process (GET /game/crashes, newest first; the last 50 are kept). */
export const crashRecordSchema = z.object({
  id: z.string(),
  /** ISO time of the exit. */
  at: z.iso.datetime(),
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  /** Signal name (e.g. "SIGKILL") when the process was killed by a signal. */
  signal: z.string().nullable(),
  uptimeSeconds: z.number().nonnegative(),
  classification: crashClassificationSchema,
  /** Why the classifier decided so (the matching line or rule). */
  reason: z.string(),
  /** The last lines the game printed (ANSI escapes removed). */
  logTail: z.array(z.string()),
  /** Failures in a row including this one, and what the supervisor did next. */
  failures: z.number().int().nonnegative(),
  outcome: z.enum(["restart_scheduled", "error"]),
  restartInMs: z.number().int().nonnegative().nullable(),
  /** For "oom": the container's memory limit in bytes at the time (null: none or unreadable). */
  memoryLimitBytes: z.number().int().positive().nullable().optional(),
});
export type CrashRecord = z.infer<typeof crashRecordSchema>;

export const crashListSchema = z.object({ crashes: z.array(crashRecordSchema) });

/** The "game" section of GET /status, also answered by GET /game/status. */
export const gameStatusSchema = z.object({
  /** False until a game has been provisioned into this container. */
  installed: z.boolean(),
  state: gamePhaseSchema,
  /** The power action holding the lock, if any. */
  action: powerActionSchema.nullable(),
  pid: z.number().int().nullable(),
  uptimeSeconds: z.number().nonnegative().nullable(),
  template: z.string().nullable(),
  artifact: z.object({ name: artifactNameSchema, version: versionSchema }).nullable(),
  port: z.number().int().nullable(),
  failures: z.number().int().nonnegative(),
  /** ISO time of the next automatic restart while `crashed`. */
  nextRestartAt: z.iso.datetime().nullable(),
  lastCrash: crashRecordSchema.nullable(),
  /** Why the supervisor is in `error` (crash loop, launch failure). */
  error: z.string().nullable(),
  /** Mods changed since the running process started. */
  restartRequired: z.boolean(),
});
export type GameStatus = z.infer<typeof gameStatusSchema>;

/** POST /game/start|stop|restart|kill answers 202 with this; 409 while another action holds the lock. */
export const powerActionResponseSchema = z.object({ accepted: powerActionSchema, state: gamePhaseSchema });
export const powerActionConflictSchema = z.object({ error: z.string(), details: z.object({ action: powerActionSchema }).optional() });

/** POST /game/command: one console line written to the game's stdin. */
export const gameCommandSchema = z.object({ command: z.string().min(1).max(1000).regex(/^[^\r\n]*$/, "one line") }).strict();
export type GameCommand = z.infer<typeof gameCommandSchema>;

/** A mod or plugin installed from the artifact catalog into the template's mods folder. */
export const installedModSchema = z.object({
  name: artifactNameSchema,
  version: versionSchema,
  sha256: z.string(),
  /** File name inside the mods folder. */
  file: z.string(),
  installedAt: z.iso.datetime(),
});
export type InstalledMod = z.infer<typeof installedModSchema>;

export const modListSchema = z.object({
  /** Folder relative to the game's install dir (e.g. "plugins" or "mods"). */
  folder: z.string().nullable(),
  mods: z.array(installedModSchema),
  /** Files in the folder the agent did not install (uploaded by hand). */
  unmanaged: z.array(z.string()),
  restartRequired: z.boolean(),
});
export type ModList = z.infer<typeof modListSchema>;

/** POST /game/mods body: install (or replace) a mod from the catalog (kind "mod"). */
export const modInstallSchema = z.object({ name: artifactNameSchema, version: versionSchema.optional() }).strict();
export type ModInstall = z.infer<typeof modInstallSchema>;

/**
 * GET /game/console (WebSocket, bearer-authenticated): on connect the server sends the scrollback
 * (raw output bytes, ANSI kept), then live output, as binary frames. Every text frame the client
 * sends is one console line written to the game (a trailing newline is added). A console `stop`,
 * `/stop` or `/restart` is a requested stop, not a crash.
 */
export const GAME_CONSOLE_PATH = "/game/console";
