import { mkdir, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../../../agent/src/fs/atomic";

/**
 * The local outbox (no SMTP configured): each message is `<name>.eml` (the exact bytes SMTP would
 * carry) plus `<name>.json` (to, subject, text, html) for the development page. Both are written
 * atomically, and the name comes from the message's id, so writing a message again replaces it
 * instead of adding a second copy.
 */
export const outboxEntrySchema = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
  createdAt: z.iso.datetime(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

const SAFE_NAME = /^[A-Za-z0-9_-]{1,100}$/;

export async function writeToOutbox(dir: string, entry: OutboxEntry, raw: Buffer): Promise<string> {
  if (!SAFE_NAME.test(entry.id)) throw new Error("unsafe outbox message id");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${entry.id}.eml`);
  await writeFileAtomic(file, raw, 0o600);
  await writeFileAtomic(path.join(dir, `${entry.id}.json`), JSON.stringify(entry), 0o600);
  return file;
}

/** The newest messages first (at most `limit`), for the development outbox page. */
export async function listOutbox(dir: string, limit = 100): Promise<OutboxEntry[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json") && !n.startsWith("."));
  } catch {
    return [];
  }
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await stat(path.join(dir, n)).catch(() => null))?.mtimeMs ?? 0 })));
  dated.sort((a, b) => b.t - a.t);
  const out: OutboxEntry[] = [];
  for (const { n } of dated.slice(0, limit)) {
    const parsed = outboxEntrySchema.safeParse(JSON.parse(await readFile(path.join(dir, n), "utf8").catch(() => "null")));
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

export async function readOutboxEntry(dir: string, id: string): Promise<OutboxEntry | null> {
  if (!SAFE_NAME.test(id)) return null;
  const raw = await readFile(path.join(dir, `${id}.json`), "utf8").catch(() => null);
  if (!raw) return null;
  const parsed = outboxEntrySchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}
