import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

const url = useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { failedJobs, queueSummary, retryJob, jobError } = await import("./jobs");

// A real pg-boss on the test database, with a queue of its own so other tests' jobs do not matter.
const queue = `admin-test-${randomUUID().slice(0, 8)}`;
let boss: PgBoss;
beforeAll(async () => {
  boss = new PgBoss({ connectionString: url, schema: "pgboss", max: 2 });
  await boss.start();
  await boss.createQueue(queue, { name: queue, policy: "standard", retryLimit: 0 });
});
afterAll(async () => {
  await boss.stop({ graceful: false, wait: true });
  await closeDb();
});

describe("pg-boss for the operator", () => {
  it("lists a failed job with its error, retries it once, and records who did", async () => {
    const id = (await boss.send(queue, { serverId: "s1" }, { retryLimit: 0 }))!;
    const [job] = await boss.fetch(queue);
    expect(job?.id).toBe(id);
    await boss.fail(queue, id, new Error("agent never answered /healthz"));

    const failed = await failedJobs({ queue });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ id, queue, error: "agent never answered /healthz", data: { serverId: "s1" } });
    expect((await queueSummary()).find((q) => q.name === queue)?.states).toMatchObject({ failed: 1 });

    const actor = { id: `admin-${randomUUID()}`, ip: "127.0.0.1" };
    await retryJob(actor, queue, id);
    expect((await boss.getJobById(queue, id))?.state).toBe("retry");
    await expect(retryJob(actor, queue, id)).rejects.toThrow(/No such failed job/);
    expect(await db.auditLog.count({ where: { actorId: actor.id, action: "admin.job_retry", targetId: id } })).toBe(1);
  });

  it("shows what a failed job recorded, whatever its shape", () => {
    expect(jobError({ message: "boom", stack: "..." })).toBe("boom");
    expect(jobError({ value: 1 })).toBe('{"value":1}');
    expect(jobError(null)).toBe("(no error recorded)");
  });
});
