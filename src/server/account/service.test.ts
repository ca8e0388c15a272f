import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { AccountError } from "./account.types";
import { defaultParams, hashPassword, verifyPassword } from "./password";
import { changePassword, getAccount, signUp, verifyCredentials } from "./service";
import { signInKeys, signInPolicies } from "../ratelimit/signin";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
afterAll(closeDb);

const email = () => `user-${randomUUID()}@example.test`;
const address = () => `test-${randomUUID()}`;
const password = "a long enough password";

async function rejection(p: Promise<unknown>): Promise<AccountError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AccountError);
  return err as AccountError;
}

describe("account service (real PostgreSQL)", () => {
  let existing: string;
  beforeAll(async () => {
    existing = email();
    await signUp(db, { email: existing, password });
  });

  it("signs up with a normalized email and stores only a hash", async () => {
    const raw = `  New-${randomUUID()}@Example.TEST `;
    const user = await signUp(db, { email: raw, password });
    expect(user.email).toBe(raw.trim().toLowerCase());
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash.startsWith("scrypt$")).toBe(true);
    expect(row.passwordHash).not.toContain(password);
  });

  it("refuses an invalid email and a short password with clear messages", async () => {
    const bad = await rejection(signUp(db, { email: "not-an-email", password }));
    expect(bad).toMatchObject({ code: "INVALID_INPUT", field: "email", message: "Enter a valid email address." });
    const short = await rejection(signUp(db, { email: email(), password: "123456789" }));
    expect(short).toMatchObject({ code: "INVALID_INPUT", field: "password", message: "Password must be at least 10 characters." });
  });

  it("refuses a duplicate email, whatever its case", async () => {
    const dup = await rejection(signUp(db, { email: existing.toUpperCase(), password }));
    expect(dup).toMatchObject({ code: "EMAIL_TAKEN", field: "email", message: "An account with this email already exists." });
    expect(await db.user.count({ where: { email: existing } })).toBe(1);
  });

  it("verifies the right password and refuses a wrong one or an unknown email alike", async () => {
    const ip = address();
    const user = await verifyCredentials(db, { email: existing, password }, { address: ip });
    expect(user.email).toBe(existing);
    const wrong = await rejection(verifyCredentials(db, { email: existing, password: "wrong password!" }, { address: ip }));
    expect(wrong).toMatchObject({ code: "INVALID_CREDENTIALS", message: "Wrong email or password." });
    const unknown = await rejection(verifyCredentials(db, { email: email(), password }, { address: ip }));
    expect(unknown.message).toBe(wrong.message);
  });

  it("rate limits guesses from one address, even with the right password", async () => {
    const victim = email();
    const attacker = address();
    await signUp(db, { email: victim, password });
    for (let i = 0; i < signInPolicies.pair.limit; i++) {
      await rejection(verifyCredentials(db, { email: victim, password: `guess number ${i}` }, { address: attacker }));
    }
    const limited = await rejection(verifyCredentials(db, { email: victim, password }, { address: attacker }));
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.message).toBe("Too many attempts, try again in 15 minutes.");
  }, 120_000);

  // Regression (#16): eight failures from a stranger used to lock the account for its owner too.
  it("a stranger's failures do not lock the owner out; a distributed guess hits the slower backstop", async () => {
    const victim = email();
    await signUp(db, { email: victim, password });
    const attacker = address();
    for (let i = 0; i < signInPolicies.pair.limit; i++) {
      await rejection(verifyCredentials(db, { email: victim, password: `guess number ${i}` }, { address: attacker }));
    }
    expect((await rejection(verifyCredentials(db, { email: victim, password }, { address: attacker }))).code).toBe("RATE_LIMITED");
    expect((await verifyCredentials(db, { email: victim, password }, { address: address() })).email).toBe(victim);
    // The backstop: fill the account bucket as many addresses would, then even a new address waits.
    await db.rateLimitBucket.update({ where: { key: `signin:account:${victim}` }, data: { count: signInPolicies.account.limit } });
    expect((await rejection(verifyCredentials(db, { email: victim, password }, { address: address() }))).code).toBe("RATE_LIMITED");
  }, 120_000);

  it("does not count successful sign-ins against the limits", async () => {
    const who = email();
    const ip = address();
    await signUp(db, { email: who, password });
    for (let i = 0; i < signInPolicies.pair.limit + 1; i++) {
      expect((await verifyCredentials(db, { email: who, password }, { address: ip })).email).toBe(who);
    }
    const buckets = await db.rateLimitBucket.findMany({ where: { key: { in: Object.values(signInKeys(who, ip)) } } });
    expect(buckets.map((b) => b.count)).toEqual([0, 0, 0]);
  }, 120_000);

  it("changes the password only with the right current one", async () => {
    const who = email();
    const user = await signUp(db, { email: who, password });
    const ctx = { address: address() };
    const wrong = await rejection(changePassword(db, user.id, { currentPassword: "not my password", newPassword: "another long password" }, ctx));
    expect(wrong).toMatchObject({ code: "WRONG_PASSWORD", field: "currentPassword", message: "Current password is wrong." });
    const short = await rejection(changePassword(db, user.id, { currentPassword: password, newPassword: "short" }, ctx));
    expect(short).toMatchObject({ code: "INVALID_INPUT", field: "newPassword" });
    await changePassword(db, user.id, { currentPassword: password, newPassword: "another long password" }, ctx);
    await rejection(verifyCredentials(db, { email: who, password }, ctx));
    expect((await verifyCredentials(db, { email: who, password: "another long password" }, ctx)).id).toBe(user.id);
  });

  // Regression (#16): hashes made with the old, weaker default are replaced at the next sign-in.
  it("rehashes a weaker stored hash on a successful sign-in", async () => {
    const who = email();
    const user = await signUp(db, { email: who, password });
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password, { log2N: 15, r: 8, p: 1, keyLength: 32 }) } });
    await verifyCredentials(db, { email: who, password }, { address: address() });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.passwordHash.startsWith(`scrypt$${defaultParams.log2N}$${defaultParams.r}$${defaultParams.p}$`)).toBe(true);
    expect(await verifyPassword(password, row.passwordHash)).toBe(true);
  });

  it("reads an account summary and reports a missing one", async () => {
    const user = await signUp(db, { email: email(), password });
    expect(await getAccount(db, user.id)).toEqual(user);
    expect((await rejection(getAccount(db, "missing-id"))).code).toBe("NOT_FOUND");
  });
});
