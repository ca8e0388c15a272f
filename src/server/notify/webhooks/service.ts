import { randomBytes, randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { db } from "../../db/client";
import { publicUrl } from "../../mail/config";
import { consume } from "../../ratelimit/store";
import { tooManyAttemptsMessage } from "../../ratelimit/window";
import { sendToWebhook } from "./send";
import { seal } from "../../mail/sealed";
import { webhookFormats } from "./payload";
import { allowPrivateTargets, checkWebhookUrl } from "./url-policy";

/**
 * Per-server webhooks of a user. The signing secret is generated here, shown once when the webhook
 * is created and kept sealed (it must be recoverable to sign, so it cannot be a hash).
 */
export const MAX_WEBHOOKS_PER_SERVER = 5;

export const createWebhookInput = z.object({
  serverId: z.string().min(1).max(100),
  url: z.string().trim().min(1).max(2000),
  format: z.enum(webhookFormats),
});

export type WebhookView = {
  id: string;
  serverId: string;
  serverName: string;
  url: string;
  format: string;
  createdAt: Date;
  lastDelivery: { status: string; responseStatus: number | null; lastError: string | null; at: Date } | null;
};

export async function listWebhooks(userId: string): Promise<WebhookView[]> {
  const hooks = await db.webhook.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
  if (hooks.length === 0) return [];
  const servers = await db.server.findMany({ where: { id: { in: hooks.map((h) => h.serverId) } }, select: { id: true, name: true } });
  const names = new Map(servers.map((s) => [s.id, s.name]));
  const out: WebhookView[] = [];
  for (const h of hooks) {
    const last = await db.webhookDelivery.findFirst({ where: { webhookId: h.id }, orderBy: { updatedAt: "desc" } });
    out.push({
      id: h.id,
      serverId: h.serverId,
      serverName: names.get(h.serverId) ?? "(deleted server)",
      url: h.url,
      format: h.format,
      createdAt: h.createdAt,
      lastDelivery: last ? { status: last.status, responseStatus: last.responseStatus, lastError: last.lastError, at: last.updatedAt } : null,
    });
  }
  return out;
}

export async function createWebhook(userId: string, input: z.input<typeof createWebhookInput>): Promise<{ webhook: WebhookView; secret: string }> {
  const { serverId, url, format } = createWebhookInput.parse(input);
  const server = await db.server.findFirst({ where: { id: serverId, userId, status: { notIn: ["deleted", "deleting"] } }, select: { id: true, name: true } });
  if (!server) throw new TRPCError({ code: "NOT_FOUND", message: "No such server." });
  const verdict = checkWebhookUrl(url, allowPrivateTargets());
  if (!verdict.ok) throw new TRPCError({ code: "BAD_REQUEST", message: verdict.reason });
  if ((await db.webhook.count({ where: { serverId } })) >= MAX_WEBHOOKS_PER_SERVER) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `A server can have at most ${MAX_WEBHOOKS_PER_SERVER} webhooks.` });
  }
  const id = randomUUID();
  const secret = `zlhwh_${randomBytes(24).toString("base64url")}`;
  const row = await db.webhook.create({ data: { id, userId, serverId, url: verdict.url.toString(), format, secretEnc: seal("zlh/webhook-secret/v1", secret, id) } });
  return {
    webhook: { id, serverId, serverName: server.name, url: row.url, format, createdAt: row.createdAt, lastDelivery: null },
    secret,
  };
}

export async function deleteWebhook(userId: string, webhookId: string): Promise<{ deleted: boolean }> {
  const r = await db.webhook.deleteMany({ where: { id: webhookId, userId } });
  if (r.count === 0) throw new TRPCError({ code: "NOT_FOUND", message: "No such webhook." });
  return { deleted: true };
}

/** Test sends per user and hour: enough to set a receiver up, not a way to make us flood a URL. */
const TEST_POLICY = { limit: 10, windowMs: 60 * 60_000 };

/** Sends a sample alert to one webhook now (not queued, not retried) and reports what the receiver said. */
export async function testWebhook(userId: string, webhookId: string): Promise<{ status: number }> {
  const hook = await db.webhook.findFirst({ where: { id: webhookId, userId } });
  if (!hook) throw new TRPCError({ code: "NOT_FOUND", message: "No such webhook." });
  const gate = await consume(db, `webhook-test:${userId}`, TEST_POLICY);
  if (!gate.allowed) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: tooManyAttemptsMessage(gate.retryAfterMs) });
  const server = await db.server.findUnique({ where: { id: hook.serverId }, select: { id: true, name: true } });
  const id = `test-${randomUUID()}`;
  let status: number;
  try {
    status = await sendToWebhook(hook, {
      id,
      kind: "crash",
      title: "Test alert from ZeroLagHub",
      body: "This is a test. Real alerts look like this one: crashes, failed backups and schedules, idle stops.",
      server,
      url: `${publicUrl()}/servers/${hook.serverId}`,
      createdAt: new Date(),
    }, id);
  } catch (err) {
    throw new TRPCError({ code: "BAD_REQUEST", message: `The test call failed: ${(err as Error).message}` });
  }
  if (status < 200 || status >= 300) throw new TRPCError({ code: "BAD_REQUEST", message: `The receiver answered HTTP ${status}.` });
  return { status };
}
