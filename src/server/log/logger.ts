import pino from "pino";
import { REDACT_PATHS, scrubLogObject } from "./redact";
import { currentScope } from "./request-scope";

/**
 * One JSON-lines logger for the portal process (Loki-ready: level, time, msg, context fields).
 * Lines written inside a request carry its id and what the request learned (userId, serverId,
 * vmid); credentials are redacted and URLs scrubbed (see redact.ts).
 */
const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info");
// ZLH_LOG_FILE: the same lines also go to a file, at ZLH_LOG_FILE_LEVEL (default info) whatever the
// console's level (the e2e runner scans a whole run's file for credentials).
const file = process.env.ZLH_LOG_FILE;
const fileLevel = process.env.ZLH_LOG_FILE_LEVEL ?? "info";
const lowest = (a: string, b: string) => ((pino.levels.values[a] ?? 30) <= (pino.levels.values[b] ?? 30) ? a : b);

export const logger = pino(
  {
    level: file ? lowest(level, fileLevel) : level,
    base: { service: "portal" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }), log: scrubLogObject },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    mixin: () => ({ ...currentScope() }),
  },
  file
    ? pino.multistream([
        { level: level as pino.Level, stream: pino.destination(1) },
        { level: fileLevel as pino.Level, stream: pino.destination({ dest: file, mkdir: true, sync: true }) },
      ])
    : undefined,
);

export type Logger = typeof logger;
