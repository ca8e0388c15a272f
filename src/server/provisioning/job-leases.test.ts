import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { runId } = await import("../cluster/heartbeat");
const { orphanedLeases, releaseLease, sweepOrphanedJobs, takeLease } = await import("./job-leases");

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
});
