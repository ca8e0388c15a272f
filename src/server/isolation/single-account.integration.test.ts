import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";

/** The single-account rule on a real PostgreSQL, through the real sign-up procedure. */
useTestDatabase();
process.env.ZLH_SIGNUP_PER_MINUTE = "1000";
// Verification emails are sealed with it.
process.env.ZLH_SECRET_KEY ??= randomBytes(32).toString("hex");
const { db, closeDb } = await import("../db/client");
const { createCaller } = await import("../api/root");
const { SECOND_ACCOUNT_MESSAGE } = await import("./single-account");

afterAll(() => closeDb());
beforeEach(async () => {
  await db.user.deleteMany({});
});

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
      delete process.env.ZLH_PROVIDER;
    }
  });

  it("two sign-ups racing past the check leave exactly one account", async () => {
    process.env.ZLH_PROVIDER = "unisolated";
    try {
      const results = await Promise.allSettled([1, 2, 3].map((n) => signUp(`race-${n}-${randomUUID()}@example.test`)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await db.user.count()).toBe(1);
    } finally {
      delete process.env.ZLH_PROVIDER;
    }
  });

  it("an isolating provider takes any number of accounts", async () => {
    process.env.ZLH_PROVIDER = "lxc";
    try {
      await signUp(`a-${randomUUID()}@example.test`);
      await signUp(`b-${randomUUID()}@example.test`);
      expect(await db.user.count()).toBe(2);
    } finally {
      delete process.env.ZLH_PROVIDER;
    }
  });
});
