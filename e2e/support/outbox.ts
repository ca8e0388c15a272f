import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";

/**
 * The e2e portal runs without SMTP, so its emails land in <data>/outbox (one .eml plus one .json
 * per message). These helpers read them the way a user reads their inbox.
 */
type OutboxEntry = { id: string; to: string; subject: string; text: string; html: string; createdAt: string };

export function outboxDir(): string {
  return path.join(process.env.E2E_DATA_DIR ?? ".data/e2e", "outbox");
}

export function outboxFor(email: string): OutboxEntry[] {
  let names: string[] = [];
  try {
    names = readdirSync(outboxDir()).filter((n) => n.endsWith(".json") && !n.startsWith("."));
  } catch {
    return [];
  }
  return names
    .map((n) => JSON.parse(readFileSync(path.join(outboxDir(), n), "utf8")) as OutboxEntry)
    .filter((m) => m.to === email)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Waits for the newest email to `email` with a link to `pathname` and returns the message and the link. */
export async function linkFromOutbox(email: string, pathname: string, timeoutMs = 30_000): Promise<{ message: OutboxEntry; link: string }> {
  let found: { message: OutboxEntry; link: string } | undefined;
  await expect
    .poll(
      () => {
        for (const message of outboxFor(email)) {
          const link = (message.text.match(/https?:\/\/[^\s"<>]+/g) ?? []).find((l) => new URL(l).pathname === pathname);
          if (link) {
            found = { message, link };
            return true;
          }
        }
        return false;
      },
      { timeout: timeoutMs, message: `an email to ${email} with a ${pathname} link` },
    )
    .toBe(true);
  return found!;
}

/** Confirms the user's address with the link from the sign-up email (through the API, no page load). */
export async function verifyEmailFromOutbox(page: Page, email: string): Promise<void> {
  const { link } = await linkFromOutbox(email, "/verify-email");
  const token = new URL(link).searchParams.get("token");
  const res = await page.request.post("/api/trpc/accountEmail.verify", { data: { json: { token } } });
  expect(res.ok(), await res.text()).toBe(true);
}
