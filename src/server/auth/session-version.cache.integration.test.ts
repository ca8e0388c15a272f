import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

/**
 * The remembered session versions (version-cache.ts) against real PostgreSQL and the real cluster
 * bus. "Another instance" is played with plain SQL on its own connection: it bumps the row and
 * announces on the bus channel, as bumpSessionVersion does elsewhere.
 */
const url = useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { signUp } = await import("../account/service");
const { bus } = await import("../cluster");
const { BUS_CHANNEL } = await import("../cluster/bus");
const { isSessionCurrent } = await import("./session-version");

beforeAll(() => bus.start());
afterAll(async () => {
  await bus.stop();
  await closeDb();
});

async function sql(text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, params);
  } finally {
    await c.end();
  }
}
const newUser = () => signUp(db, { email: `svc-${randomUUID()}@example.test`, password: "a long enough password" });
/** Another instance's bump, without (announce: false) or with its bus message. */
async function bumpElsewhere(userId: string, announce: boolean) {
  await sql(`UPDATE "User" SET "sessionVersion" = "sessionVersion" + 1 WHERE id = $1`, [userId]);
  if (announce) await sql("SELECT pg_notify($1, $2)", [BUS_CHANNEL, JSON.stringify({ topic: "user.signed-out", userId })]);
}
/** The database as isSessionCurrent sees it, counting its reads. */
function counted(): { reads: number; db: Pick<typeof db, "user"> } {
  const c = { reads: 0, db: db as Pick<typeof db, "user"> };
  const findUnique = ((args: never) => (c.reads++, db.user.findUnique(args))) as typeof db.user.findUnique;
  c.db = { user: { findUnique } as typeof db.user };
  return c;
}
const announced = (userId: string) =>
  new Promise<void>((resolve) => {
    const off = bus.on("user.signed-out", (m) => {
      if (m.userId !== userId) return;
      off();
      resolve();
    });
  });

describe("remembered session versions (real PostgreSQL, real bus)", () => {
  it("a current token is checked against the database once, then from memory", async () => {
    await bus.whenConnected();
    const user = await newUser();
    const c = counted();
    for (let i = 0; i < 5; i++) expect(await isSessionCurrent(user.id, 0, c.db)).toBe(true);
    expect(c.reads).toBe(1);
  });

  it("another instance's sign-out everywhere refuses the old token as soon as its message arrives", async () => {
    const user = await newUser();
    expect(await isSessionCurrent(user.id, 0)).toBe(true);
    const heard = announced(user.id);
    await bumpElsewhere(user.id, true);
    await heard;
    expect(await isSessionCurrent(user.id, 0)).toBe(false);
    expect(await isSessionCurrent(user.id, 1)).toBe(true);
  });

  it("a token newer than what this instance remembers is confirmed by the database, not refused", async () => {
    const user = await newUser();
    expect(await isSessionCurrent(user.id, 0)).toBe(true);
    // The message is lost: this instance still remembers version 0.
    await bumpElsewhere(user.id, false);
    const c = counted();
    expect(await isSessionCurrent(user.id, 1, c.db)).toBe(true);
    expect(c.reads).toBe(1);
    expect(await isSessionCurrent(user.id, 0)).toBe(false);
  });

  it("after the bus reconnects, nothing learned before counts (the gap's messages may be lost)", async () => {
    const user = await newUser();
    expect(await isSessionCurrent(user.id, 0)).toBe(true);
    await bumpElsewhere(user.id, false);
    const epoch = bus.epoch;
    // Only this process's listener: other test files' buses share the database.
    expect((await sql("SELECT pg_terminate_backend($1) AS ok", [bus.backendPid])).rows[0]).toEqual({ ok: true });
    const deadline = Date.now() + 10_000;
    while (bus.epoch === epoch && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(bus.epoch).toBeGreaterThan(epoch);
    expect(await isSessionCurrent(user.id, 0)).toBe(false);
  });
});
