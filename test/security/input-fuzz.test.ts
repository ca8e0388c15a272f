import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../db";

useTestDatabase();
const { db, closeDb } = await import("../../src/server/db/client");
const { createCaller } = await import("../../src/server/api/root");
const { createTRPCContext } = await import("../../src/server/api/trpc");
const { httpStatusOf, inputSchemaOf, procedures, sampleInput } = await import("./procedures");
afterAll(closeDb);

/**
 * Property-based fuzzing of every procedure's input, discovered from the router: malformed input
 * (anything at all, or a valid input with one field broken, dropped or swapped) always answers 4xx,
 * never 500, and changes nothing in the database. Procedures without an input schema take no input
 * and are not fuzzed (the authorization matrix calls them).
 */
type Caller = ReturnType<typeof createCaller>;
let caller: Caller;
let userId: string;
const ids: Record<string, string> = {};

/** Everything the caller owns (other test files share the database, so global counts would move). */
async function snapshot(): Promise<string> {
  const [me, servers, keys, hooks, prefs] = await Promise.all([
    db.user.findUnique({ where: { id: userId } }),
    db.server.findMany({ where: { userId }, orderBy: { id: "asc" } }),
    db.sshKey.findMany({ where: { userId }, orderBy: { id: "asc" } }),
    db.webhook.findMany({ where: { userId }, orderBy: { id: "asc" } }),
    db.notificationPreference.findMany({ where: { userId }, orderBy: { kind: "asc" } }),
  ]);
  return JSON.stringify({ me, servers, keys, hooks, prefs });
}

beforeAll(async () => {
  const u = await db.user.create({ data: { email: `fuzz-${randomUUID()}@example.test`, passwordHash: "x" }, select: { id: true, email: true } });
  userId = u.id;
  const server = await db.server.create({
    data: { userId, name: "fuzz", kind: "dev", vmid: 800_000_000 + Math.floor(Math.random() * 90_000_000), provider: "local", status: "stopped", enableCodeServer: true, memoryMb: 1024 },
  });
  Object.assign(ids, { serverId: server.id, userId });
  caller = createCaller(
    await createTRPCContext({
      headers: new Headers({ "x-zlh-client-address": `fuzz-${randomUUID()}` }),
      session: { user: u, expires: new Date(Date.now() + 3_600_000).toISOString() },
    }),
  );
});

/** Malformed variants of a valid object: one field replaced by anything, dropped, or the whole value swapped. */
function malformed(valid: unknown): fc.Arbitrary<unknown> {
  const whole = fc.oneof(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true }), fc.string({ maxLength: 5000 }));
  if (!valid || typeof valid !== "object" || Array.isArray(valid)) return whole;
  const keys = Object.keys(valid);
  if (keys.length === 0) return whole;
  const broken = fc
    .record({ key: fc.constantFrom(...keys), value: fc.oneof(fc.anything(), fc.string({ minLength: 5000, maxLength: 20_000 }), fc.constant(undefined)) })
    .map(({ key, value }) => ({ ...(valid as Record<string, unknown>), [key]: value }));
  const dropped = fc.constantFrom(...keys).map((key) => {
    const { [key]: _gone, ...rest } = valid as Record<string, unknown>;
    return rest;
  });
  return fc.oneof(whole, broken, dropped);
}

describe("input fuzzing (every procedure with an input, from the router)", () => {
  const targets = procedures().filter((p) => p.input && p.type !== "subscription");

  it("finds procedures to fuzz", () => {
    expect(targets.length).toBeGreaterThan(20);
  });

  it("malformed input answers 4xx, never 500, and changes nothing", async () => {
    const before = await snapshot();
    const failures: string[] = [];
    // Printed with any failure: FUZZ_SEED=<seed> replays the same inputs.
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
    for (const p of targets) {
      const { value } = sampleInput(inputSchemaOf(p.input!), ids);
      const fn = p.path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (i: unknown) => Promise<unknown>;
      await fc.assert(
        fc.asyncProperty(
          malformed(value).filter((v) => !p.input!.safeParse(v).success),
          async (input) => {
            const status = await fn(input).then(() => 200, httpStatusOf);
            if (status < 400 || status >= 500) failures.push(`${p.path} (FUZZ_SEED=${seed}): ${status} for ${JSON.stringify(input, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v))?.slice(0, 200)}`);
            return true;
          },
        ),
        { numRuns: 25, seed },
      );
    }
    expect(failures).toEqual([]);
    expect(await snapshot()).toBe(before);
  }, 240_000);
});
