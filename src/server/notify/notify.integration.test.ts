import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink";
import { until } from "../../../test/support/until";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/support/webhook-receiver";

/**
 * notify() end to end on real parts: PostgreSQL, pg-boss delivery jobs, a real SMTP server
 * receiving the email, a real HTTP receiver checking webhook signatures and forcing retries.
 */
useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
process.env.ZLH_WEBHOOK_ALLOW_PRIVATE = "true";
process.env.ZLH_PUBLIC_URL = "http://portal.test";

const { db, closeDb } = await import("../db/client");
const { notify } = await import("./notify");
const { deliveryService } = await import("./services");
const { createWebhook } = await import("./webhooks/service");
const { setPreference } = await import("./preferences");
const { verifySignature, TIMESTAMP_HEADER, SIGNATURE_HEADER } = await import("./webhooks/sign");

let smtp: SmtpSink;
let hooks: WebhookReceiver;
const service = deliveryService(1_000);

async function makeUserAndServer() {
  const user = await db.user.create({ data: { email: `n-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
  const top = await db.server.aggregate({ _max: { vmid: true } });
  const server = await db.server.create({
    data: { userId: user.id, name: `mc-${randomUUID().slice(0, 6)}`, kind: "game", vmid: Math.max(90_000, (top._max.vmid ?? 0) + 1), provider: "local", status: "running" },
  });
  return { user, server };
}

beforeAll(async () => {
  smtp = await startSmtpSink();
  hooks = await startWebhookReceiver({ failFirst: 2 });
  process.env.ZLH_SMTP_URL = smtp.url;
  await service.start();
});

afterAll(async () => {
  await service.stop();
  await smtp.stop();
  await hooks.stop();
  await closeDb();
});

describe("notify (real SMTP, real webhook receiver)", () => {
  it("a burst of crashes sends one email and one signed webhook call (after retries), the same event never twice", async () => {
    const { user, server } = await makeUserAndServer();
    const { secret } = await createWebhook(user.id, { serverId: server.id, url: hooks.url, format: "generic" });
    const crash = (n: number) => ({ userId: user.id, serverId: server.id, kind: "crash" as const, title: "Your game crashed", body: `Exit ${n}: killed by SIGKILL.`, dedupeKey: `crash:${server.id}:${n}` });
    await notify(crash(1));
    await notify(crash(1));
    for (let i = 2; i <= 20; i++) await notify(crash(i));

    const mail = await until("the crash email", () => smtp.messages.find((m) => m.to && JSON.stringify(m.to).includes(user.email)), 60_000);
    expect(mail.subject).toBe(`[${server.name}] Your game crashed`);
    expect(mail.text).toContain("Exit 1: killed by SIGKILL.");
    expect(mail.html).toContain("Exit 1: killed by SIGKILL.");
    expect(mail.text).toContain(`http://portal.test/servers/${server.id}`);

    // Two 500s, then a 204: three calls for one delivery, every one signed over its exact body.
    const ok = await until("the webhook delivery", () => hooks.calls.find((c) => c.status === 204), 90_000, 200);
    const mine = hooks.calls.filter((c) => JSON.parse(c.body).server?.id === server.id);
    expect(mine).toHaveLength(3);
    for (const c of mine) {
      expect(verifySignature(secret, { timestamp: c.headers[TIMESTAMP_HEADER] as string, signature: c.headers[SIGNATURE_HEADER] as string }, c.body)).toBe(true);
      expect(verifySignature("zlhwh_wrong", { timestamp: c.headers[TIMESTAMP_HEADER] as string, signature: c.headers[SIGNATURE_HEADER] as string }, c.body)).toBe(false);
    }
    expect(JSON.parse(ok.body)).toMatchObject({ type: "crash", title: "Your game crashed", server: { id: server.id, name: server.name } });
    // Backoff: the retries were spaced, not immediate.
    expect(mine[2]!.at - mine[0]!.at).toBeGreaterThan(1_000);

    await new Promise((r) => setTimeout(r, 2_500));
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(user.email))).toHaveLength(1);
    expect(hooks.calls.filter((c) => JSON.parse(c.body).server?.id === server.id)).toHaveLength(3);
    const rows = await db.notification.findMany({ where: { serverId: server.id } });
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => !r.suppressed)).toHaveLength(1);
    const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { notificationId: rows.find((r) => !r.suppressed)!.id } });
    expect(delivery).toMatchObject({ status: "delivered", attempts: 3, responseStatus: 204 });
  }, 180_000);

  it("respects the email preference per kind; sent mail keeps no payload", async () => {
    const { user, server } = await makeUserAndServer();
    await setPreference(user.id, "backup_failed", false);
    await notify({ userId: user.id, serverId: server.id, kind: "backup_failed", title: "Backup failed", body: "Disk full.", dedupeKey: `backup:${server.id}:1` });
    await notify({ userId: user.id, serverId: server.id, kind: "auto_stop", title: "Stopped while idle", body: "No players for 30 minutes.", dedupeKey: `idle:${server.id}:1` });
    await until("the auto-stop email", () => smtp.messages.find((m) => JSON.stringify(m.to).includes(user.email) && m.subject?.includes("Stopped while idle")), 30_000);
    expect(smtp.messages.some((m) => JSON.stringify(m.to).includes(user.email) && m.subject?.includes("Backup failed"))).toBe(false);
    // The SMTP server has the message before the sender records it as sent: wait for that row.
    await until("the row marked sent", async () => (await db.mailMessage.findMany({ where: { userId: user.id, status: "sending" } })).length === 0, 30_000);
    const sent = await db.mailMessage.findMany({ where: { userId: user.id } });
    expect(sent.map((m) => [m.status, m.payloadEnc])).toEqual([["sent", null]]);
  }, 60_000);

  it("retries an email while the SMTP server is unreachable, then delivers it once; a repeated job sends nothing", async () => {
    const { queueMail, sendMailJob } = await import("../mail/queue");
    const to = `retry-${randomUUID()}@example.test`;
    process.env.ZLH_SMTP_URL = "smtp://127.0.0.1:9"; // nothing listens on the discard port
    const id = (await queueMail({ key: `retry:${to}`, to, template: "verify_email", data: { url: "http://portal.test/verify-email?token=x" } }))!;
    await until("a failed attempt", async () => (await db.mailMessage.findUniqueOrThrow({ where: { id } })).attempts >= 1, 30_000);
    expect((await db.mailMessage.findUniqueOrThrow({ where: { id } })).lastError).toMatch(/ECONNREFUSED/);
    process.env.ZLH_SMTP_URL = smtp.url;
    await until("the retried email", () => smtp.messages.find((m) => JSON.stringify(m.to).includes(to)), 60_000, 200);
    const row = await db.mailMessage.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("sent");
    expect(row.attempts).toBeGreaterThanOrEqual(2);
    await sendMailJob(id);
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(to))).toHaveLength(1);
  }, 90_000);

  it("webhooks belong to the server's owner: others can neither add nor remove them, nor see them", async () => {
    const { deleteWebhook, listWebhooks } = await import("./webhooks/service");
    const a = await makeUserAndServer();
    const b = await makeUserAndServer();
    const own = await startWebhookReceiver();
    const { webhook, secret } = await createWebhook(a.user.id, { serverId: a.server.id, url: own.url, format: "generic" });
    await expect(createWebhook(b.user.id, { serverId: a.server.id, url: own.url, format: "generic" })).rejects.toThrow("No such server.");
    await expect(deleteWebhook(b.user.id, webhook.id)).rejects.toThrow("No such webhook.");
    expect(await listWebhooks(b.user.id)).toEqual([]);
    expect((await listWebhooks(a.user.id)).map((h) => h.id)).toEqual([webhook.id]);
    expect(JSON.stringify(await listWebhooks(a.user.id))).not.toContain("zlhwh_");
    const { testWebhook } = await import("./webhooks/service");
    await expect(testWebhook(b.user.id, webhook.id)).rejects.toThrow("No such webhook.");
    expect(await testWebhook(a.user.id, webhook.id)).toEqual({ status: 204 });
    const call = own.calls[0]!;
    await own.stop();
    expect(JSON.parse(call.body)).toMatchObject({ title: "Test alert from ZeroLagHub", server: { id: a.server.id } });
    expect(verifySignature(secret, { timestamp: call.headers[TIMESTAMP_HEADER] as string, signature: call.headers[SIGNATURE_HEADER] as string }, call.body)).toBe(true);
    await deleteWebhook(a.user.id, webhook.id);
    expect(await listWebhooks(a.user.id)).toEqual([]);
  });

  it("refuses a second mail for the same idempotency key and a webhook to a private address without the test allowance", async () => {
    const { queueMail } = await import("../mail/queue");
    const key = `test:${randomUUID()}`;
    const first = await queueMail({ key, to: "a@example.test", template: "verify_email", data: { url: "http://portal.test/verify-email?token=x" } });
    const second = await queueMail({ key, to: "a@example.test", template: "verify_email", data: { url: "http://portal.test/verify-email?token=x" } });
    expect(first).not.toBeNull();
    expect(second).toBeNull();
    const { user, server } = await makeUserAndServer();
    process.env.ZLH_WEBHOOK_ALLOW_PRIVATE = "false";
    try {
      await expect(createWebhook(user.id, { serverId: server.id, url: "http://127.0.0.1:9/hook", format: "discord" })).rejects.toThrow(/public internet address/);
      await expect(createWebhook(user.id, { serverId: server.id, url: "file:///etc/passwd", format: "generic" })).rejects.toThrow(/Only http and https/);
    } finally {
      process.env.ZLH_WEBHOOK_ALLOW_PRIVATE = "true";
    }
  });
});
