import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gameStatusSchema } from "../../../agent/src/contract";
import { publishFlyingSquid } from "../../../agent/src/game/harness";
import { useTestDatabase } from "../../../test/db";
import type { LocalProvider } from "../provisioning/providers/local";
import { startHarness, until, type Harness } from "../../../test/provisioning/harness";
import { startSmtpSink, type SmtpSink } from "../../../test/support/smtp-sink";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/support/webhook-receiver";

/**
 * A real game (flying-squid) under a real agent on the local provider is SIGKILLed, as the OOM
 * killer would. The crash watcher learns of it from the agent and sends exactly one email (to a
 * real SMTP server) and one webhook call (to a real HTTP receiver, signature checked), also when
 * a second watcher (a restarted portal, empty memory) looks at the same crash.
 */
useTestDatabase();
process.env.ZLH_WEBHOOK_ALLOW_PRIVATE = "true";
process.env.ZLH_PUBLIC_URL = "http://portal.test";
const { db } = await import("../db/client");
const { deliveryService } = await import("./services");
const { crashWatcherService } = await import("./crash-watcher");
const { createWebhook } = await import("./webhooks/service");
const { verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER } = await import("./webhooks/sign");

let h: Harness;
let smtp: SmtpSink;
let hooks: WebhookReceiver;
const delivery = deliveryService(1_000);

beforeAll(async () => {
  smtp = await startSmtpSink();
  hooks = await startWebhookReceiver();
  process.env.ZLH_SMTP_URL = smtp.url;
  // Pinned to the unisolated provider: the test finds the game process under its container folder.
  h = await startHarness({ provider: "unisolated" });
  await publishFlyingSquid(h.artifacts);
  await delivery.start();
}, 300_000);
afterAll(async () => {
  await delivery.stop();
  await h?.close();
  await smtp?.stop();
  await hooks?.stop();
}, 120_000);

/** Host pid of the game (not its wrapper) running under a container root. */
function gamePid(containerRoot: string): number {
  const launcher = path.join(containerRoot, "opt/zlh/game/server/launcher.mjs");
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (argv.includes(launcher) && !argv.some((a) => a.endsWith("wrapper.mjs"))) return Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  throw new Error(`no game process running from ${launcher}`);
}

describe("crash notifications", () => {
  it("a SIGKILLed game produces exactly one crash email and one webhook call", async () => {
    const u = await h.user();
    const user = await db.user.findUniqueOrThrow({ where: { id: u.id } });
    const created = await u.caller.servers.create({ kind: "game", name: "crashy", gameTemplate: "flying-squid" });
    const game = async () => {
      const s = await u.caller.servers.status({ serverId: created.id });
      if (s.server.status === "error") throw new Error(`provisioning failed: ${s.server.lastError}`);
      return s.agent?.game ? gameStatusSchema.parse(s.agent.game) : null;
    };
    const running = await until("game running", async () => ((await game())?.state === "running" ? game() : null), 240_000);
    const { secret } = await createWebhook(u.id, { serverId: created.id, url: hooks.url, format: "discord" });

    const watcher = crashWatcherService(1_000);
    await watcher.start();
    try {
      process.kill(gamePid(path.join((h.provider as LocalProvider).dirOf(created.vmid), "root")), "SIGKILL");
      const mail = await until("the crash email", () => smtp.messages.find((m) => JSON.stringify(m.to).includes(user.email)), 60_000);
      expect(mail.subject).toBe("crashy crashed");
      expect(mail.text).toContain("killed by SIGKILL");
      expect(mail.html).toContain("killed by SIGKILL");
      const call = await until("the webhook call", () => hooks.calls[0], 30_000);
      expect(verifySignature(secret, { timestamp: call.headers[TIMESTAMP_HEADER] as string, signature: call.headers[SIGNATURE_HEADER] as string }, call.body)).toBe(true);
      const payload = JSON.parse(call.body);
      expect(payload.embeds[0]).toMatchObject({ title: "crashy crashed", url: `http://portal.test/servers/${created.id}` });
      expect(payload.embeds[0].description).toContain("killed by SIGKILL");
      mkdirSync(path.resolve("test-results"), { recursive: true });
      writeFileSync(path.resolve("test-results/webhook-crash-payload.json"), JSON.stringify({ headers: { [TIMESTAMP_HEADER]: call.headers[TIMESTAMP_HEADER], [SIGNATURE_HEADER]: call.headers[SIGNATURE_HEADER], "content-type": call.headers["content-type"] }, body: payload }, null, 2));

      // The game comes back by itself; the watcher keeps looking and sends nothing more.
      await until("game running again", async () => {
        const g = await game();
        return g?.state === "running" && g.pid !== running!.pid ? g : null;
      }, 120_000);
    } finally {
      await watcher.stop();
    }
    // A restarted portal (a new watcher with empty memory) sees the same crash record: still one.
    const again = crashWatcherService(1_000);
    await again.start();
    await new Promise((r) => setTimeout(r, 4_000));
    await again.stop();
    await new Promise((r) => setTimeout(r, 2_000));
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(user.email))).toHaveLength(1);
    expect(hooks.calls).toHaveLength(1);
    expect(await db.notification.count({ where: { serverId: created.id } })).toBe(1);

    await u.caller.servers.delete({ serverId: created.id });
    await until("deleted", async () => (await db.server.findUniqueOrThrow({ where: { id: created.id } })).status === "deleted", 120_000);
  }, 600_000);
});
