import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { beginSignInAttempt } from "./signin";
import { consume, giveBack, pruneBuckets } from "./store";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
afterAll(closeDb);

const key = () => `test:${randomUUID()}`;
const policy = { limit: 3, windowMs: 60_000 };

describe("rate limit buckets in PostgreSQL", () => {
  it("counts attempts up to the limit and refuses the next with the time left", async () => {
    const k = key();
    const now = new Date();
    for (let i = 0; i < 3; i++) expect((await consume(db, k, policy, now)).allowed).toBe(true);
    const refused = await consume(db, k, policy, new Date(now.getTime() + 10_000));
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBe(50_000);
    expect(await db.rateLimitBucket.findUnique({ where: { key: k } })).toMatchObject({ count: 3 });
    // A new window starts once the old one has passed.
    expect((await consume(db, k, policy, new Date(now.getTime() + 60_000))).allowed).toBe(true);
  });

  it("counts concurrent attempts exactly (as from several portal instances)", async () => {
    const k = key();
    const results = await Promise.all(Array.from({ length: 8 }, () => consume(db, k, policy)));
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
    expect(await db.rateLimitBucket.findUnique({ where: { key: k } })).toMatchObject({ count: 3 });
  });

  it("gives an attempt back", async () => {
    const k = key();
    await consume(db, k, policy);
    await consume(db, k, policy);
    await giveBack(db, k, policy);
    expect(await db.rateLimitBucket.findUnique({ where: { key: k } })).toMatchObject({ count: 1 });
  });

  it("prunes buckets whose window has passed", async () => {
    const old = key();
    const fresh = key();
    await consume(db, old, policy, new Date(Date.now() - 3_600_000));
    await consume(db, fresh, policy);
    await pruneBuckets(db, new Date(Date.now() - 60_000));
    expect(await db.rateLimitBucket.findUnique({ where: { key: old } })).toBeNull();
    expect(await db.rateLimitBucket.findUnique({ where: { key: fresh } })).not.toBeNull();
  });

  it("limits sign-in per address across many accounts", async () => {
    const address = randomUUID();
    const policies = { pair: { limit: 5, windowMs: 60_000 }, account: { limit: 5, windowMs: 60_000 }, address: { limit: 2, windowMs: 60_000 } };
    expect((await beginSignInAttempt(db, { email: `${randomUUID()}@x.test`, address }, policies)).allowed).toBe(true);
    expect((await beginSignInAttempt(db, { email: `${randomUUID()}@x.test`, address }, policies)).allowed).toBe(true);
    const third = await beginSignInAttempt(db, { email: `${randomUUID()}@x.test`, address }, policies);
    expect(third.allowed).toBe(false);
  });

  it("gives every attempt back after a successful sign-in", async () => {
    const address = randomUUID();
    const email = `${randomUUID()}@x.test`;
    const policies = { pair: { limit: 1, windowMs: 60_000 }, account: { limit: 1, windowMs: 60_000 }, address: { limit: 1, windowMs: 60_000 } };
    for (let i = 0; i < 3; i++) {
      const attempt = await beginSignInAttempt(db, { email, address }, policies);
      expect(attempt.allowed).toBe(true);
      if (attempt.allowed) await attempt.succeeded();
    }
  });
});
