import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import pg from "pg";
import { useTestDatabase } from "../../../test/db";
import { migrate } from "../db/migrate";

/**
 * The single-account rule on a real PostgreSQL, through the real sign-up procedure. It counts every
 * account, so it gets a database of its own (the run's database holds other files' users).
 */
const runUrl = new URL(useTestDatabase());
const ownName = `zlh_test_${process.pid}_single_${randomBytes(4).toString("hex")}`;
const admin = new pg.Client({ connectionString: runUrl.toString() });
await admin.connect();
await admin.query(`CREATE DATABASE "${ownName}"`);
const ownUrl = new URL(runUrl);
ownUrl.pathname = `/${ownName}`;
await migrate(ownUrl.toString());
process.env.DATABASE_URL = ownUrl.toString();
process.env.ZLH_SIGNUP_PER_MINUTE = "1000";
// Verification emails are sealed with it.
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { createCaller } = await import("../api/root");
const { SECOND_ACCOUNT_MESSAGE } = await import("./single-account");

afterAll(async () => {
  await closeDb();
  await admin.query(`DROP DATABASE IF EXISTS "${ownName}" WITH (FORCE)`);
  await admin.end();
});
beforeEach(async () => {
  await db.user.deleteMany({});
});

const savedProvider = process.env.ZLH_PROVIDER;
/** The worker may run other files next: leave ZLH_PROVIDER as it was. */
function restoreProvider() {
  if (savedProvider === undefined) delete process.env.ZLH_PROVIDER;
  else process.env.ZLH_PROVIDER = savedProvider;
}

let ip = 0;
const signUp = (email: string) =>
  createCaller({ db, session: null, headers: new Headers(), ip: `10.77.${ip++}.1` } as never).account.signUp({ email, password: "a long enough password" });

describe("sign-up in unisolated mode", () => {
  it("allows the first account and refuses a second with a clear message", async () => {
    process.env.ZLH_PROVIDER = "unisolated";
    try {
      await expect(signUp(`first-${randomUUID()}@example.test`)).resolves.toEqual({ ok: true });
      await expect(signUp(`second-${randomUUID()}@example.test`)).rejects.toMatchObject({ code: "FORBIDDEN", message: SECOND_ACCOUNT_MESSAGE });
      expect(await db.user.count()).toBe(1);
    } finally {
      restoreProvider();
    }
  });

  it("two sign-ups racing past the check leave exactly one account", async () => {
    process.env.ZLH_PROVIDER = "unisolated";
    try {
      const results = await Promise.allSettled([1, 2, 3].map((n) => signUp(`race-${n}-${randomUUID()}@example.test`)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await db.user.count()).toBe(1);
    } finally {
      restoreProvider();
    }
  });

  it("an isolating provider takes any number of accounts", async () => {
    process.env.ZLH_PROVIDER = "lxc";
    try {
      await signUp(`a-${randomUUID()}@example.test`);
      await signUp(`b-${randomUUID()}@example.test`);
      expect(await db.user.count()).toBe(2);
    } finally {
      restoreProvider();
    }
  });
});
