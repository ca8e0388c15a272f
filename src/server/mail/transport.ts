import nodemailer from "nodemailer";
import type { MailConfig } from "./config";
import { writeToOutbox } from "./outbox";

/**
 * Hands one rendered message to SMTP or writes it to the outbox. The Message-ID is fixed per
 * message row, so a receiver can recognise a repeat of the same message.
 */
export type OutgoingMail = { id: string; messageId: string; to: string; subject: string; text: string; html: string };

const smtpTransports = new Map<string, nodemailer.Transporter>();

function smtp(url: string): nodemailer.Transporter {
  let t = smtpTransports.get(url);
  if (!t) {
    // Bounded waits: a hung SMTP server fails the attempt (and the job retries) well before the
    // queue would consider the job lost and start a second delivery beside it.
    t = nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 });
    smtpTransports.set(url, t);
  }
  return t;
}

export async function deliver(config: MailConfig, m: OutgoingMail): Promise<void> {
  const message = { from: config.from, to: m.to, subject: m.subject, text: m.text, html: m.html, messageId: m.messageId };
  if (config.transport === "smtp") {
    await smtp(config.url).sendMail(message);
    return;
  }
  // Same bytes SMTP would carry, composed by nodemailer, without a server.
  const info = await nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" }).sendMail(message);
  await writeToOutbox(config.dir, { id: m.id, to: m.to, subject: m.subject, text: m.text, html: m.html, createdAt: new Date().toISOString() }, info.message as Buffer);
}

export function closeTransports(): void {
  for (const t of smtpTransports.values()) t.close();
  smtpTransports.clear();
}
