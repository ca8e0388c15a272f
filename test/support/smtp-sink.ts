import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A real SMTP server (npm smtp-server) on loopback that keeps every message it receives, parsed. */
export type SmtpSink = { url: string; messages: ParsedMail[]; raw: string[]; stop: () => Promise<void> };

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const raw: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        raw.push(text);
        simpleParser(text).then(
          (m) => {
            messages.push(m);
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, messages, raw, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The first http(s) link in a message's text part. */
export function firstLink(m: ParsedMail, path?: string): string {
  const links = (m.text ?? "").match(/https?:\/\/[^\s"<>]+/g) ?? [];
  const hit = path ? links.find((l) => new URL(l).pathname === path) : links[0];
  if (!hit) throw new Error(`no ${path ?? "http"} link in "${m.subject}"`);
  return hit;
}
