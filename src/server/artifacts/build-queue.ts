import type { ArtifactBuild } from "../../generated/prisma/client";
import { Prisma } from "../../generated/prisma/client";
import { db } from "../db/client";

/**
 * Artifact builds as rows (ArtifactBuild): queued by the first run or an admin, claimed one at a
 * time by the build runner, progress written as it goes so every portal instance can show it.
 * At most one queued-or-running row per name@version (a partial unique index): enqueueing twice
 * returns the first.
 */
export type { ArtifactBuild };
export type BuildSource = "first-run" | "admin";

// pg_advisory_xact_lock key for "claim the next build": only one build runs at a time, whatever
// the number of portal instances.
const CLAIM_LOCK = 17_0417_01;

export async function enqueueBuild(input: {
  name: string;
  version: string;
  kind?: string | null;
  displayName?: string | null;
  source: BuildSource;
  requestedBy?: string | null;
}): Promise<{ build: ArtifactBuild; created: boolean }> {
  try {
    const build = await db.artifactBuild.create({
      data: { name: input.name, version: input.version, kind: input.kind ?? null, displayName: input.displayName ?? null, source: input.source, requestedBy: input.requestedBy ?? null },
    });
    return { build, created: true };
  } catch (err) {
    if (!(err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002")) throw err;
    const active = await db.artifactBuild.findFirst({ where: { name: input.name, version: input.version, status: { in: ["queued", "running"] } } });
    if (active) return { build: active, created: false };
    // The row we collided with finished in between (another portal starting at the same moment
    // published a cached build within a second): that build is the answer, not an error.
    const latest = await db.artifactBuild.findFirst({ where: { name: input.name, version: input.version }, orderBy: { createdAt: "desc" } });
    if (!latest) throw err;
    return { build: latest, created: false };
  }
}

/** A build that cannot even start (no builder on this machine): recorded as failed with the reason. */
export async function recordUnbuildable(input: { name: string; version: string; kind: string; source: BuildSource; reason: string }): Promise<void> {
  const last = await db.artifactBuild.findFirst({ where: { name: input.name, version: input.version }, orderBy: { createdAt: "desc" } });
  if (last && last.status === "failed" && last.error === input.reason) return;
  await db.artifactBuild.create({
    data: { name: input.name, version: input.version, kind: input.kind, source: input.source, status: "failed", error: input.reason, finishedAt: new Date() },
  });
}

/** Takes the oldest queued build when nothing is running (anywhere); null otherwise. */
export async function claimNextBuild(): Promise<ArtifactBuild | null> {
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CLAIM_LOCK})`;
    if (await tx.artifactBuild.findFirst({ where: { status: "running" }, select: { id: true } })) return null;
    const next = await tx.artifactBuild.findFirst({ where: { status: "queued" }, orderBy: { createdAt: "asc" } });
    if (!next) return null;
    return tx.artifactBuild.update({ where: { id: next.id }, data: { status: "running", startedAt: new Date(), step: "starting", percent: 0, message: null, error: null } });
  });
}

export async function reportBuild(id: string, patch: { step?: string; percent?: number | null; message?: string | null }): Promise<void> {
  await db.artifactBuild.update({ where: { id }, data: patch });
}

export async function finishBuild(id: string, outcome: { ok: true; message?: string } | { ok: false; error: string }): Promise<void> {
  await db.artifactBuild.update({
    where: { id },
    data: outcome.ok
      ? { status: "done", percent: 100, step: "done", finishedAt: new Date(), ...(outcome.message ? { message: outcome.message } : {}) }
      : { status: "failed", error: outcome.error, finishedAt: new Date() },
  });
}

/** Back to the queue (the runner is stopping); the next runner starts it from the beginning. */
export async function requeueBuild(id: string, message: string): Promise<void> {
  await db.artifactBuild.update({ where: { id }, data: { status: "queued", startedAt: null, step: null, percent: null, message } });
}

/**
 * A running build whose runner stopped reporting (its portal was killed) goes back to the queue.
 * The runner heartbeats far more often than `staleMs`.
 */
export async function requeueStale(staleMs: number, now = new Date()): Promise<number> {
  const r = await db.artifactBuild.updateMany({
    where: { status: "running", updatedAt: { lt: new Date(now.getTime() - staleMs) } },
    data: { status: "queued", step: null, percent: null, message: "interrupted: queued again" },
  });
  return r.count;
}

/** The newest build of every name@version. */
export async function latestBuilds(): Promise<ArtifactBuild[]> {
  return db.$queryRaw<ArtifactBuild[]>`
    SELECT DISTINCT ON ("name", "version") * FROM "ArtifactBuild"
    ORDER BY "name", "version", "createdAt" DESC`;
}

export async function recentBuilds(limit = 50): Promise<ArtifactBuild[]> {
  return db.artifactBuild.findMany({ orderBy: { createdAt: "desc" }, take: Math.min(200, Math.max(1, limit)) });
}

export async function buildById(id: string): Promise<ArtifactBuild | null> {
  return db.artifactBuild.findUnique({ where: { id } });
}
