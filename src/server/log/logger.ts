import pino from "pino";
import { REDACT_PATHS, scrubLogObject } from "./redact";
import { currentScope } from "./request-scope";

/**
 * One JSON-lines logger for the portal process (Loki-ready: level, time, msg, context fields).
 * Lines written inside a request carry its id and what the request learned (userId, serverId,
 * vmid); credentials are redacted and URLs scrubbed (see redact.ts).
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "warn" : "info"),
  base: { service: "portal" },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }), log: scrubLogObject },
  redact: { paths: REDACT_PATHS, censor: "[redacted]" },
  mixin: () => ({ ...currentScope() }),
});

export type Logger = typeof logger;
