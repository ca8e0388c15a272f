import pino from "pino";

/** JSON-lines logs (level, time, msg, context fields) ready for Loki. */
export function createLogger(level = process.env.LOG_LEVEL ?? "info") {
  return pino({
    level,
    base: { service: "agent", pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // No credential reaches a log line, whatever a module passes in.
    redact: { paths: ["token", "*.token", "password", "*.password", "authorization", "*.authorization", "cookie", "*.cookie", '*.headers["authorization"]', '*.headers["cookie"]'], censor: "[redacted]" },
  });
}

export type Logger = ReturnType<typeof createLogger>;
