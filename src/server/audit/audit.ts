import { db } from "../db/client";
import { logger } from "../log/logger";
import { ACTION_PATTERN, auditData, cutField } from "./redact";

export type AuditEntry = {
  actorId?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  data?: unknown;
};

/**
 * Records one audited action in PostgreSQL. Auditing must never break what it audits: every failure
 * (bad input, database down) is logged and swallowed, so callers can `await` it in their own path.
 * Secrets never reach the row: data fields with secret-looking names are replaced (see redact.ts).
 */
export async function recordAudit(entry: AuditEntry): Promise<void> {
  try {
    if (!ACTION_PATTERN.test(entry.action)) throw new Error(`invalid audit action ${JSON.stringify(entry.action).slice(0, 80)}`);
    const data = auditData(entry.data);
    await db.auditLog.create({
      data: {
        actorId: cutField(entry.actorId),
        action: entry.action,
        targetType: cutField(entry.targetType, 60),
        targetId: cutField(entry.targetId),
        ip: cutField(entry.ip, 100),
        ...(data === null ? {} : { data }),
      },
    });
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err), action: entry.action }, "audit record failed");
  }
}
