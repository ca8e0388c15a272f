import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startBillingHarness } from "../../../test/billing/harness";
import { startSmtpSink } from "../../../test/support/smtp-sink";
import { until } from "../../../test/support/until";

/**
 * Billing alerts through the real webhook route and the Stripe fake: a failed payment, the grace
 * reminder, the suspension and the recovery each reach a real SMTP server exactly once.
 */
useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const billing = await startBillingHarness({ graceDays: 7 });
const smtp = await startSmtpSink();
process.env.ZLH_SMTP_URL = smtp.url;

const { db, closeDb } = await import("../db/client");
const { deliveryService } = await import("./services");
const { createCheckoutSession } = await import("../billing/service");
const { billingConfig } = await import("../billing/config");
const { sendBillingNotices } = await import("./billing-notices");

const delivery = deliveryService(1_000);
await delivery.start();
afterAll(async () => {
  await delivery.stop();
  await smtp.stop();
  await billing.stop();
  await closeDb();
});

async function deliverFrom(from: number) {
  for (const e of billing.fake.events.slice(from)) expect(await billing.fake.deliver(e.id)).toBe(200);
}

describe("billing alerts", () => {
  it("payment failed -> grace reminder -> suspended -> resumed, one email each", async () => {
    const user = await db.user.create({ data: { email: `pay-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
    const { url } = await createCheckoutSession(user.id, "pro");
    let from = billing.fake.events.length;
    billing.fake.completeCheckout(url.split("/").pop()!);
    await deliverFrom(from);
    const sub = await db.subscription.findUniqueOrThrow({ where: { userId: user.id } });
    const subjects = () => smtp.messages.filter((m) => JSON.stringify(m.to).includes(user.email)).map((m) => m.subject);

    from = billing.fake.events.length;
    billing.fake.failPayment(sub.stripeSubscriptionId);
    await deliverFrom(from);
    await until("the payment failed email", () => subjects().includes("A payment for your plan failed"), 30_000);
    const failedAt = (await db.subscription.findUniqueOrThrow({ where: { userId: user.id } })).paymentFailedAt!;
    const day = 24 * 60 * 60_000;

    await sendBillingNotices(billingConfig(), new Date(failedAt.getTime() + 6 * day));
    await sendBillingNotices(billingConfig(), new Date(failedAt.getTime() + 6.5 * day));
    await until("the grace reminder", () => subjects().some((s) => s?.startsWith("Your grace period ends on")), 30_000);
    await sendBillingNotices(billingConfig(), new Date(failedAt.getTime() + 8 * day));
    await until("the suspension email", () => subjects().includes("Your servers were suspended"), 30_000);

    from = billing.fake.events.length;
    billing.fake.payLatestInvoice(sub.stripeSubscriptionId);
    await deliverFrom(from);
    await until("the resumed email", () => subjects().includes("Payment received: you are in good standing"), 30_000);
    await sendBillingNotices(billingConfig());
    await new Promise((r) => setTimeout(r, 2_000));
    expect(subjects().sort()).toEqual(
      ["A payment for your plan failed", "Payment received: you are in good standing", "Your servers were suspended", expect.stringMatching(/^Your grace period ends on /)].sort(),
    );
    const mail = smtp.messages.find((m) => m.subject === "A payment for your plan failed" && JSON.stringify(m.to).includes(user.email))!;
    expect(mail.text).toContain("/billing");
    expect(mail.html).toContain("Open billing");
  }, 90_000);
});
