import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

/**
 * The SSH wake's report against a real PostgreSQL, with the start's writes made by the test at
 * chosen moments:
 * - a start that commits "running" together with its "Started" entry between two of the report's
 *   reads still shows "Started" before "up" (made from inside the report's own callback, at the exact
 *   point where the old read order, events then status, lost the entry);
 * - a row that still reads "stopped" right after the wake handed the start off is waited for, not
 *   reported as a failed start (the wake used to take its own "starting" answer for a read);
 * - a start the owner's suspension refuses is reported at once, with the reason (it used to fail out
 *   of sight while the report waited 20 s for it, then said only "it is stopped").
 */
useTestDatabase();
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { wakeWithProgress } = await import("./wake-progress");

afterAll(async () => {
  await closeDb();
});

describe("wakeWithProgress", () => {
  it("never reports the container up before the entry that says it started", async () => {
    const user = await db.user.create({ data: { email: `w-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
    const top = await db.server.aggregate({ _max: { vmid: true } });
    const server = await db.server.create({ data: { userId: user.id, name: "wake", kind: "dev", vmid: Math.max(93_000, (top._max.vmid ?? 0) + 1), provider: "local", status: "starting" } });
    await db.serverEvent.create({ data: { serverId: server.id, type: "action", status: "info", message: "Starting" } });
    const lines: string[] = [];
    const say = (line: string) => {
      lines.push(line);
      if (line === "  Starting") {
        // What doStart commits when the container is up.
        return db.$transaction([
          db.server.update({ where: { id: server.id }, data: { status: "running" } }),
          db.serverEvent.create({ data: { serverId: server.id, type: "action", status: "done", message: "Started" } }),
        ]);
      }
    };
    await wakeWithProgress(server, say, { pollMs: 50, timeoutMs: 10_000 });
    expect(lines[0]).toBe("Starting your container...");
    expect(lines.slice(1, 3)).toEqual(["  Starting", "  Started"]);
    expect(lines[3]).toMatch(/^Your container is up \(\d+\.\d s\)\. Connecting\.\.\.$/);
  });

  it("waits while the row still reads stopped after the start was handed off", async () => {
    const user = await db.user.create({ data: { email: `w-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date() } });
    const top = await db.server.aggregate({ _max: { vmid: true } });
    // The wake answers "starting" without touching the row, so the row reads "stopped" at the
    // report's first read every time. The test then plays the start itself.
    const server = await db.server.create({ data: { userId: user.id, name: "wake", kind: "dev", vmid: Math.max(93_000, (top._max.vmid ?? 0) + 1), provider: "local", status: "stopped" } });
    const handedOff = async () => ({ starting: true, status: "starting" });
    const lines: string[] = [];
    let played: Promise<unknown> = Promise.resolve();
    const say = (line: string) => {
      lines.push(line);
      if (line !== "Starting your container...") return;
      played = (async () => {
        await new Promise((r) => setTimeout(r, 400));
        await db.$transaction([
          db.server.update({ where: { id: server.id }, data: { status: "starting" } }),
          db.serverEvent.create({ data: { serverId: server.id, type: "action", status: "started", message: "Starting" } }),
        ]);
        await new Promise((r) => setTimeout(r, 400));
        await db.$transaction([
          db.server.update({ where: { id: server.id }, data: { status: "running" } }),
          db.serverEvent.create({ data: { serverId: server.id, type: "action", status: "done", message: "Started" } }),
        ]);
      })();
    };
    await wakeWithProgress(server, say, { pollMs: 50, timeoutMs: 10_000, wake: handedOff });
    await played;
    expect(lines.slice(0, 3)).toEqual(["Starting your container...", "  Starting", "  Started"]);
    expect(lines[3]).toMatch(/^Your container is up/);
  });

  it("a suspended owner's container is refused at once, with the reason, and left as it was", async () => {
    const user = await db.user.create({ data: { email: `w-${randomUUID()}@example.test`, passwordHash: "x", emailVerifiedAt: new Date(), suspendedReason: "unpaid invoice" } });
    const top = await db.server.aggregate({ _max: { vmid: true } });
    const server = await db.server.create({ data: { userId: user.id, name: "wake", kind: "dev", vmid: Math.max(93_000, (top._max.vmid ?? 0) + 1), provider: "local", status: "stopped" } });
    const t0 = Date.now();
    await expect(wakeWithProgress(server, () => {}, { pollMs: 50, timeoutMs: 30_000 })).rejects.toThrow("Your account is suspended: unpaid invoice");
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect((await db.server.findUniqueOrThrow({ where: { id: server.id } })).status).toBe("stopped");
    expect(await db.serverEvent.count({ where: { serverId: server.id } })).toBe(0);
  }, 40_000);
});
