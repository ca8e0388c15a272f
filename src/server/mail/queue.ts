import { randomUUID } from "node:crypto";
import type { Prisma, PrismaClient } from "../../generated/prisma/client";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { mailConfig } from "./config";
import { kick } from "./jobs";
import { seal, unseal } from "./sealed";
import { isTemplateName, renderTemplate, templates, type TemplateData, type TemplateName } from "./templates";
import { deliver } from "./transport";

/**
 * Outgoing email as rows: queueMail() writes one MailMessage per event (idempotencyKey unique: a
 * second call for the same event changes nothing), the job sends it once. The template data may
 * hold a one-shot link, so it is sealed at rest and erased once the message is out.
 */
export const MAIL_QUEUE = "mail-send";
const log = logger.child({ module: "mail" });

type Tx = Pick<Prisma.TransactionClient, "mailMessage">;

export type MailRequest<T extends TemplateName> = {
  /** Names the event: the same key never sends twice (e.g. `verify:<tokenId>`, `notify:<notificationId>`). */
  key: string;
  userId?: string | null;
  to: string;
  template: T;
  data: TemplateData<T>;
};

/**
 * Records the message (inside the caller's transaction when given) and returns its id, or null
 * when this event already has a message. Call kickMail(id) after the transaction commits.
 */
export async function recordMail<T extends TemplateName>(tx: Tx, req: MailRequest<T>): Promise<string | null> {
  const data = templates[req.template].data.parse(req.data);
  const id = randomUUID().replaceAll("-", "");
  const { count } = await tx.mailMessage.createMany({
    data: [{
      id,
      idempotencyKey: req.key,
      userId: req.userId ?? null,
      to: req.to,
      template: req.template,
      payloadEnc: seal("zlh/mail-payload/v1", JSON.stringify(data), id),
      messageId: `<${id}@zerolaghub>`,
    }],
    skipDuplicates: true,
  });
  return count === 1 ? id : null;
}

export async function kickMail(id: string | null): Promise<void> {
  if (id) await kick(MAIL_QUEUE, id);
}

/** recordMail + kickMail outside any transaction. */
export async function queueMail<T extends TemplateName>(req: MailRequest<T>, client: Pick<PrismaClient, "mailMessage"> = db): Promise<string | null> {
  const id = await recordMail(client, req);
  await kickMail(id);
  return id;
}

/**
 * The job: claims the row (queued or failed -> sending), renders, delivers, marks it sent and
 * erases the payload. A row already sent or being sent by another worker is left alone. Throws on
 * a delivery failure so the queue retries with backoff.
 */
export async function sendMailJob(id: string): Promise<void> {
  const claimed = await db.mailMessage.updateMany({ where: { id, status: { in: ["queued", "failed"] } }, data: { status: "sending", attempts: { increment: 1 } } });
  if (claimed.count !== 1) return;
  const row = await db.mailMessage.findUniqueOrThrow({ where: { id } });
  try {
    if (!row.payloadEnc || !isTemplateName(row.template)) throw new Error(`message ${id} has no payload or an unknown template`);
    const rendered = renderTemplate(row.template, JSON.parse(unseal("zlh/mail-payload/v1", row.payloadEnc, id)));
    await deliver(mailConfig(), { id, messageId: row.messageId, to: row.to, ...rendered });
  } catch (err) {
    const message = (err as Error).message.slice(0, 1000);
    await db.mailMessage.update({ where: { id }, data: { status: "failed", lastError: message } });
    log.warn({ id, template: row.template, attempt: row.attempts, err: message }, "email delivery failed");
    throw err;
  }
  // The goodbye email of a deleted account is the last trace of its address: erased once sent.
  const to = row.template === "account_deleted" ? "erased" : row.to;
  await db.mailMessage.update({ where: { id }, data: { status: "sent", sentAt: new Date(), payloadEnc: null, lastError: null, to } });
  log.info({ id, template: row.template, transport: mailConfig().transport }, "email sent");
}

/**
 * Rows nobody is working on: queued but never handed to the queue (the process stopped between
 * commit and kick), or stuck in sending after a crash mid-delivery. Those are queued again; a
 * message interrupted mid-delivery may then arrive twice, with the same Message-ID.
 */
export async function sweepMail(now = Date.now()): Promise<number> {
  const stale = await db.mailMessage.findMany({
    where: {
      OR: [
        { status: "queued", updatedAt: { lt: new Date(now - 60_000) } },
        { status: "sending", updatedAt: { lt: new Date(now - 10 * 60_000) } },
      ],
    },
    select: { id: true, status: true },
    take: 200,
  });
  for (const m of stale) {
    if (m.status === "sending") await db.mailMessage.updateMany({ where: { id: m.id, status: "sending" }, data: { status: "queued" } });
    await kick(MAIL_QUEUE, m.id);
  }
  return stale.length;
}
