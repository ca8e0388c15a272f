import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../db";

useTestDatabase();
const { db, closeDb } = await import("../../src/server/db/client");
const { createCaller } = await import("../../src/server/api/root");
const { createTRPCContext } = await import("../../src/server/api/trpc");
const { PUBLIC_PROCEDURES, httpStatusOf, idFields, inputSchemaOf, isAdminOnly, procedures, sampleInput } = await import("./procedures");
afterAll(closeDb);

/**
 * The authorization matrix, generated from the router: user B calls every procedure with user A's
 * ids. A procedure whose input names one of A's resources must answer NOT_FOUND or FORBIDDEN; one
 * that names none must not return anything of A's; admin procedures refuse B whatever the input;
 * and afterwards nothing of A's has changed. A new procedure is covered the day it is added: with
 * an id field this matrix cannot fill (say, backupId) it fails until a fixture for it is added here.
 */
type User = { id: string; email: string };
const callerFor = async (u: User) =>
  createCaller(
    await createTRPCContext({
      headers: new Headers({ "x-zlh-client-address": `matrix-${randomUUID()}` }),
      session: { user: u, expires: new Date(Date.now() + 3_600_000).toISOString() },
    }),
  );

let a: User;
let b: User;
const ids: Record<string, string> = {};

/**
 * Rows of A's for id fields that only some areas have, created on first use by raw SQL (so this file
 * does not depend on those areas' generated types). Add a line here when a new kind of id appears.
 */
const lazyFixtures: Record<string, { create: (serverId: string) => Promise<string>; rows: (id: string) => Promise<unknown> }> = {
  backupId: {
    create: async (serverId) => {
      const id = `bk-${randomUUID()}`;
      await db.$executeRaw`INSERT INTO "Backup" ("id", "serverId") VALUES (${id}, ${serverId})`;
      return id;
    },
    rows: (id) => db.$queryRaw`SELECT * FROM "Backup" WHERE "id" = ${id}`,
  },
  scheduleId: {
    create: async (serverId) => {
      const id = `sc-${randomUUID()}`;
      await db.$executeRaw`INSERT INTO "Schedule" ("id", "serverId", "action", "cron") VALUES (${id}, ${serverId}, 'restart', '0 4 * * *')`;
      return id;
    },
    rows: (id) => db.$queryRaw`SELECT * FROM "Schedule" WHERE "id" = ${id}`,
  },
};
const lazyRows: Array<() => Promise<unknown>> = [];
async function ensureFixtures(names: string[]): Promise<void> {
  for (const name of names) {
    const f = lazyFixtures[name];
    if (ids[name] !== undefined || !f) continue;
    const id = await f.create(ids.serverId!);
    ids[name] = id;
    lazyRows.push(() => f.rows(id));
  }
}
/** Everything of A's that B must not be able to see or change. */
async function fingerprint(): Promise<string> {
  const [user, servers, keys, hooks, prefs] = await Promise.all([
    db.user.findUnique({ where: { id: a.id } }),
    db.server.findMany({ where: { userId: a.id }, orderBy: { id: "asc" } }),
    db.sshKey.findMany({ where: { userId: a.id }, orderBy: { id: "asc" } }),
    db.webhook.findMany({ where: { userId: a.id }, orderBy: { id: "asc" } }),
    db.notificationPreference.findMany({ where: { userId: a.id }, orderBy: { kind: "asc" } }),
  ]);
  const extra = await Promise.all(lazyRows.map((r) => r()));
  return JSON.stringify({ user, servers, keys, hooks, prefs, extra }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

beforeAll(async () => {
  const mk = (tag: string) => db.user.create({ data: { email: `matrix-${tag}-${randomUUID()}@example.test`, passwordHash: "x" }, select: { id: true, email: true } });
  a = await mk("a");
  b = await mk("b");
  const vmid = 900_000_000 + Math.floor(Math.random() * 90_000_000);
  const server = await db.server.create({
    data: { userId: a.id, name: "a's server", kind: "dev", vmid, provider: "local", status: "running", enableCodeServer: true, memoryMb: 1024 },
  });
  const key = await db.sshKey.create({ data: { userId: a.id, name: "a's key", publicKey: "ssh-ed25519 AAAA a", fingerprint: `SHA256:${randomUUID()}` } });
  const hook = await db.webhook.create({ data: { userId: a.id, serverId: server.id, url: "https://example.test/a", format: "generic", secretEnc: "x" } });
  await db.notificationPreference.create({ data: { userId: a.id, kind: "crash", email: true } });
  Object.assign(ids, { serverId: server.id, webhookId: hook.id, id: key.id, userId: a.id });
});

describe("authorization matrix (every procedure, from the router)", () => {
  const all = procedures();

  it("discovers the router's procedures", () => {
    expect(all.length).toBeGreaterThan(20);
    for (const p of Object.keys(PUBLIC_PROCEDURES)) expect(all.map((x) => x.path), `stale exemption ${p}`).toContain(p);
  });

  it("user B cannot read or change anything of user A's", async () => {
    for (const p of all) if (p.input) await ensureFixtures(idFields(inputSchemaOf(p.input)));
    const before = await fingerprint();
    const failures: string[] = [];
    const secrets = [a.email, ...Object.values(ids)];
    const callerB = await callerFor(b);
    for (const p of all) {
      if (p.path in PUBLIC_PROCEDURES || p.type === "subscription") continue;
      const schema = p.input ? inputSchemaOf(p.input) : null;
      const { value, unknownIds } = schema ? sampleInput(schema, ids) : { value: undefined, unknownIds: [] };
      if (unknownIds.length && !isAdminOnly(p.path)) {
        failures.push(`${p.path}: the matrix has no fixture for ${unknownIds.join(", ")} (add one in test/security/authz-matrix.test.ts)`);
        continue;
      }
      if (p.input && !isAdminOnly(p.path) && !p.input.safeParse(value).success) {
        failures.push(`${p.path}: could not build a valid input (${JSON.stringify(value)}); add an override in test/security/procedures.ts`);
        continue;
      }
      const fn = p.path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], callerB) as (i: unknown) => Promise<unknown>;
      const outcome = await fn(value).then(
        (data) => ({ ok: true as const, data }),
        (err: unknown) => ({ ok: false as const, status: httpStatusOf(err), message: (err as Error).message }),
      );
      const namesA = schema ? idFields(schema).length > 0 : false;
      if (isAdminOnly(p.path) || namesA) {
        if (outcome.ok || (outcome.status !== 404 && outcome.status !== 403)) {
          failures.push(`${p.path}: B got ${outcome.ok ? "success" : `${outcome.status} ${outcome.message}`} on A's ids (want 404 or 403)`);
        }
      } else if (outcome.ok) {
        const text = JSON.stringify(outcome.data ?? null);
        const leaked = secrets.filter((s) => text.includes(s));
        if (leaked.length) failures.push(`${p.path}: B's answer contains A's ${leaked.join(", ")}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await fingerprint()).toBe(before);
  }, 120_000);
});
