import { z } from "zod";

/**
 * Console WebSocket protocol (dev shell at GET /console; the game console uses the same framing).
 *
 * Authentication: `Authorization: Bearer <token>` on the upgrade request, like every agent route.
 *
 * Query on connect: `session` (name, default "default": viewers of the same name share one shell),
 * `cols` and `rows` (the size a new session starts with; an existing session keeps its size).
 *
 * Client -> agent:
 *   - binary frame: raw input bytes for the terminal;
 *   - text frame: a control message when it is exactly one JSON object matching
 *     `consoleClientControlSchema` (e.g. `{"type":"resize","cols":120,"rows":40}`), otherwise input
 *     text. Clients that need to send such JSON as keystrokes send it as a binary frame.
 * Agent -> client:
 *   - binary frames only: terminal output. On connect the agent first sends the scrollback (the last
 *     64 KiB of output) as one frame, then live output. (xterm's attach addon works unchanged.)
 *   - close codes: see `consoleCloseCodes`; when the shell exits the reason is `exit <code>`.
 */
export const consoleSessionNameSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, "session names are 1-32 letters, digits, _ or -");

export const terminalSizeSchema = z.object({
  cols: z.number().int().min(1).max(1000),
  rows: z.number().int().min(1).max(1000),
});
export type TerminalSize = z.infer<typeof terminalSizeSchema>;

export const consoleResizeSchema = terminalSizeSchema.extend({ type: z.literal("resize") }).strict();
export const consoleClientControlSchema = z.discriminatedUnion("type", [consoleResizeSchema]);
export type ConsoleClientControl = z.infer<typeof consoleClientControlSchema>;

export const consoleConnectQuerySchema = z.object({
  session: consoleSessionNameSchema.default("default"),
  cols: z.coerce.number().int().min(1).max(1000).default(80),
  rows: z.coerce.number().int().min(1).max(1000).default(24),
});
export type ConsoleConnectQuery = z.infer<typeof consoleConnectQuerySchema>;

export const consoleCloseCodes = {
  /** The shell (or game process) exited; reason `exit <code>`. */
  exited: 4000,
  /** Too many sessions or viewers. */
  tooMany: 4029,
  /** The agent is shutting down. */
  goingAway: 1001,
  /** A message larger than the cap (RFC 6455 "message too big"). */
  tooBig: 1009,
  /** Malformed query. */
  badRequest: 4400,
} as const;

/** Largest accepted client message (paste of 64 KiB fits; larger pastes are chunked by clients). */
export const CONSOLE_MAX_MESSAGE_BYTES = 64 * 1024;

/** Parses a text frame: a control message, or null when it is plain input. */
export function parseConsoleControl(text: string): ConsoleClientControl | null {
  if (!text.startsWith("{") || !text.endsWith("}")) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = consoleClientControlSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/** GET /console/sessions: the dev shell sessions. */
export const consoleSessionInfoSchema = z.object({
  name: z.string(),
  pid: z.number().int(),
  cols: z.number().int(),
  rows: z.number().int(),
  viewers: z.number().int().nonnegative(),
  startedAt: z.iso.datetime(),
  /** When the session is closed unless a viewer attaches (no viewers left). */
  expiresAt: z.iso.datetime().optional(),
});
export type ConsoleSessionInfo = z.infer<typeof consoleSessionInfoSchema>;
