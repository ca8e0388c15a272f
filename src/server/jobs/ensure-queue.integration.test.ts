import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { ensureQueue } from "./ensure-queue";

/**
 * Portal instances starting together on one fresh database create the same pg-boss queues at
 * once. pg-boss's create_queue (a partition table and a row) then deadlocks (40P01): seen as a
 * portal that never became healthy in the load bench. Four pg-boss instances, each with its own
 * pool as separate portal processes have, create the same four queues at the same moment, for
 * three rounds of fresh names.
 */
const url = useTestDatabase();
const bosses: PgBoss[] = [];

afterAll(async () => {
  await Promise.all(bosses.map((b) => b.stop({ graceful: false, wait: true })));
});

describe("ensureQueue", () => {
  it("creates the same queues from four instances at once, every time, with their options", async () => {
    for (let i = 0; i < 4; i++) {
      const boss = new PgBoss({ connectionString: url, schema: "pgboss", max: 3 });
      boss.on("error", () => undefined);
      bosses.push(boss);
    }
    for (const b of bosses) await b.start();
    for (let round = 0; round < 3; round++) {
      const names = Array.from({ length: 4 }, () => `race-${randomUUID().slice(0, 8)}`);
      const results = await Promise.allSettled(
        bosses.map(async (b) => {
          for (const name of names) await ensureQueue(b, name, { policy: "standard", retryLimit: 3, expireInSeconds: 60 });
        }),
      );
      expect(results.filter((r) => r.status === "rejected").map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
      for (const name of names) expect(await bosses[0]!.getQueue(name)).toMatchObject({ name, policy: "standard", retryLimit: 3 });
    }
  });
});
