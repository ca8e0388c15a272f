import { db } from "../db/client";

/** The audit log for the operator, newest first, filterable; keyset-paged by (createdAt, id). */
export type AuditFilter = { action?: string; actor?: string; target?: string; before?: Date; take?: number };

export async function listAudit(f: AuditFilter) {
  // "actor" is an email or an id: the console's search box takes either.
  let actorIds: string[] | undefined;
  if (f.actor) {
    const users = await db.user.findMany({ where: { email: { contains: f.actor, mode: "insensitive" } }, select: { id: true }, take: 50 });
    actorIds = [f.actor, ...users.map((u) => u.id)];
  }
  const take = Math.min(200, f.take ?? 50);
  const rows = await db.auditLog.findMany({
    where: {
      ...(f.action ? { action: f.action.endsWith(".") ? { startsWith: f.action } : f.action } : {}),
      ...(actorIds ? { actorId: { in: actorIds } } : {}),
      ...(f.target ? { OR: [{ targetId: f.target }, { targetType: f.target }] } : {}),
      ...(f.before ? { createdAt: { lt: f.before } } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
  });
  const emails = new Map(
    (await db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.actorId).filter((x): x is string => !!x))] } }, select: { id: true, email: true } })).map((u) => [u.id, u.email]),
  );
  return {
    items: rows.map((r) => ({ ...r, actorEmail: r.actorId ? (emails.get(r.actorId) ?? null) : null })),
    nextBefore: rows.length === take ? rows[rows.length - 1]!.createdAt : null,
  };
}
