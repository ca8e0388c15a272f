import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { runId } = await import("../cluster/heartbeat");
const { orphanedLeases, releaseLease, sweepOrphanedJobs, sweepOwnLeftovers, sweepUnleased, takeLease } = await import("./job-leases");
const { default: PgBoss } = await import("pg-boss");

afterAll(() => closeDb());
beforeEach(async () => {
  await db.jobLease.deleteMany();
  await db.portalInstance.deleteMany();
  await db.portalInstance.create({ data: { runId: runId(), name: "me" } });
});

async function deadInstance(name: string, secondsAgo: number): Promise<string> {
  const id = `run-${name}`;
  await db.$executeRaw`INSERT INTO "PortalInstance" ("runId", "name", "heartbeatAt") VALUES (${id}, ${name}, now() - make_interval(secs => ${secondsAgo}))`;
  return id;
}

describe("job leases", () => {
  it("finds the jobs of instances that stopped heartbeating, or whose row is gone, never its own", async () => {
    await takeLease("job-mine", "server-create");
    const dead = await deadInstance("dead", 60);
    const alive = await deadInstance("alive", 1);
    await db.jobLease.create({ data: { jobId: "job-dead", queue: "server-create", runId: dead } });
    await db.jobLease.create({ data: { jobId: "job-alive", queue: "server-create", runId: alive } });
    await db.jobLease.create({ data: { jobId: "job-vanished", queue: "server-delete", runId: "run-without-row" } });
    const found = (await orphanedLeases(15_000)).map((l) => l.jobId).sort();
    expect(found).toEqual(["job-dead", "job-vanished"]);
  });

  it("hands each orphaned job back once, even when two instances sweep together", async () => {
    const dead = await deadInstance("dead", 60);
    await db.jobLease.create({ data: { jobId: "job-1", queue: "server-create", runId: dead } });
    const failed: string[] = [];
    const fail = async (queue: string, id: string) => void failed.push(`${queue}/${id}`);
    const [a, b] = await Promise.all([sweepOrphanedJobs(fail, () => true), sweepOrphanedJobs(fail, () => true)]);
    expect(failed).toEqual(["server-create/job-1"]);
    expect([...a, ...b]).toEqual(["job-1"]);
    expect(await db.jobLease.count()).toBe(0);
  });

  it("judges nobody while its own heartbeats are not established (database just came back)", async () => {
    const dead = await deadInstance("dead", 60);
    await db.jobLease.create({ data: { jobId: "job-2", queue: "server-create", runId: dead } });
    expect(await sweepOrphanedJobs(async () => {}, () => false)).toEqual([]);
    expect(await db.jobLease.count()).toBe(1);
  });

  it("releases only its own lease", async () => {
    await takeLease("job-3", "server-create");
    await releaseLease("job-3");
    expect(await db.jobLease.count()).toBe(0);
  });

  it("hands back its own jobs whose handler ended while their end could not be recorded", async () => {
    await takeLease("job-running", "server-create");
    await takeLease("job-ended", "server-create");
    const failed: string[] = [];
    const handed = await sweepOwnLeftovers(new Set(["job-running"]), async (q, id) => void failed.push(id));
    expect(handed).toEqual(["job-ended"]);
    expect(failed).toEqual(["job-ended"]);
    expect((await db.jobLease.findMany()).map((l) => l.jobId)).toEqual(["job-running"]);
  });

  it("hands back an active job nobody holds a lease on, after a grace period", async () => {
    const boss = new PgBoss({ connectionString: process.env.DATABASE_URL!, schema: "pgboss", max: 2 });
    boss.on("error", () => {});
    await boss.start();
    try {
      const q = "lease-test";
      if (!(await boss.getQueue(q))) await boss.createQueue(q, { name: q, retryLimit: 2 });
      const id = (await boss.send(q, { serverId: "s" }))!;
      const [job] = await boss.fetch(q);
      expect(job?.id).toBe(id);
      const fail = async (queue: string, jobId: string) => void (await boss.fail(queue, jobId, { message: "test" }));
      expect(await sweepUnleased([q], new Set(), fail, () => true, 30), "still within its grace period").toEqual([]);
      await db.$executeRawUnsafe(`UPDATE pgboss.job SET started_on = now() - interval '1 minute' WHERE id = '${id}'`);
      expect(await sweepUnleased([q], new Set([id]), fail, () => true, 30), "run by this process").toEqual([]);
      expect(await sweepUnleased([q], new Set(), fail, () => true, 30)).toEqual([id]);
      expect((await boss.getJobById(q, id))?.state, "back in the queue for another try").toBe("retry");
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
