import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { serverRow, startBillingHarness } from "../../../test/billing/harness";

/** The lifecycle service: it runs the billing check by itself, and stop() waits for a run in flight. */
useTestDatabase();
const harness = await startBillingHarness({ graceDays: 7 });
const { billingGraceService } = await import("./grace-job");
const { db, closeDb } = await import("../db/client");
afterAll(async () => {
  await harness.stop();
  await closeDb();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("billingGraceService", () => {
  it("suspends a lapsed account's servers on its own, on start and on every interval", async () => {
    const user = await db.user.create({ data: { email: `job-${randomUUID()}@example.test`, passwordHash: "x" } });
    await db.subscription.create({
      data: { userId: user.id, stripeSubscriptionId: `sub_${randomUUID()}`, plan: "pro", status: "past_due", paymentFailedAt: new Date(Date.now() - 30 * 86_400_000) },
    });
    const first = await db.server.create({ data: serverRow(user.id, { status: "running" }) });
    const calls: string[] = [];
    const service = billingGraceService(async (serverId, reason) => {
      calls.push(serverId);
      await db.server.update({ where: { id: serverId }, data: { suspendedReason: reason, status: "stopped" } });
    }, 100);
    await service.start();
    try {
      await until(() => calls.includes(first.id));
      // A server that appears later is caught by a later run of the interval.
      const second = await db.server.create({ data: serverRow(user.id, { status: "running" }) });
      await until(() => calls.includes(second.id));
    } finally {
      await service.stop();
    }
    const servers = await db.server.findMany({ where: { userId: user.id } });
    expect(servers.every((s) => s.status === "stopped" && s.suspendedReason?.startsWith("Billing:"))).toBe(true);
  });
});
