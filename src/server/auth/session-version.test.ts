import { randomBytes, randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../test/db";
import { isIdeSessionCurrent, isVersionCurrent } from "./session-version";

useTestDatabase();
const { db, closeDb } = await import("../db/client");
const { signUp, changePassword } = await import("../account/service");
const { bumpSessionVersion, isSessionCurrent } = await import("./session-version");
const { sessionUserFromRequest } = await import("./node-session");
const { authOptions } = await import("./options");
const { createCaller } = await import("../api/root");
const { createTRPCContext } = await import("../api/trpc");
afterAll(closeDb);

const secret = randomBytes(32).toString("base64url");
const previous = process.env.NEXTAUTH_SECRET;
beforeAll(() => {
  process.env.NEXTAUTH_SECRET = secret;
});
afterAll(() => {
  process.env.NEXTAUTH_SECRET = previous;
});

const password = "a long enough password";
const newUser = () => signUp(db, { email: `sv-${randomUUID()}@example.test`, password });
const cookieFor = async (user: { id: string; email: string }, sv?: number) =>
  `next-auth.session-token=${await encode({ token: { sub: user.id, email: user.email, ...(sv === undefined ? {} : { sv }) }, secret })}`;
const socketUser = (cookie: string) => sessionUserFromRequest({ headers: { cookie } });
// The jwt callback next-auth runs on every getServerSession (pages, tRPC, route handlers).
const jwtCallback = (token: Record<string, unknown>) =>
  (authOptions.callbacks!.jwt as (p: { token: Record<string, unknown> }) => Promise<unknown>)({ token });

describe("session version (real PostgreSQL)", () => {
  it("pure rule: a token must carry exactly the user's version; a missing account is never current", () => {
    expect(isVersionCurrent(undefined, 0)).toBe(true);
    expect(isVersionCurrent(0, 1)).toBe(false);
    expect(isVersionCurrent("1", 1)).toBe(false);
    expect(isVersionCurrent(1, null)).toBe(false);
    expect(isIdeSessionCurrent(new Date(2000), null)).toBe(true);
    expect(isIdeSessionCurrent(new Date(1000), new Date(2000))).toBe(false);
  });

  // Regression (#16): a JWT lived 30 days whatever happened to the account.
  it("bumping the version kills existing tokens on sockets and in next-auth", async () => {
    const user = await newUser();
    const old = await cookieFor(user, 0);
    expect(await socketUser(old)).toEqual({ id: user.id, email: user.email });
    expect(await socketUser(await cookieFor(user))).toEqual({ id: user.id, email: user.email });
    await expect(jwtCallback({ sub: user.id, email: user.email, sv: 0 })).resolves.toBeTruthy();

    expect(await bumpSessionVersion(user.id)).toBe(1);
    expect(await socketUser(old)).toBeNull();
    await expect(jwtCallback({ sub: user.id, email: user.email, sv: 0 })).rejects.toThrow("session revoked");
    expect(await socketUser(await cookieFor(user, 1))).toEqual({ id: user.id, email: user.email });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.ideRevokedAt).not.toBeNull();
  });

  it("a deleted account's token is dead", async () => {
    const user = await newUser();
    const cookie = await cookieFor(user, 0);
    await db.user.delete({ where: { id: user.id } });
    expect(await socketUser(cookie)).toBeNull();
  });

  it("changing the password signs out every other session", async () => {
    const user = await newUser();
    expect(await isSessionCurrent(user.id, 0)).toBe(true);
    await changePassword(db, user.id, { currentPassword: password, newPassword: "another long password" }, { address: `t-${randomUUID()}` });
    expect(await isSessionCurrent(user.id, 0)).toBe(false);
    expect(await isSessionCurrent(user.id, 1)).toBe(true);
  });

  it("sign out everywhere (tRPC) and a plain sign-out (next-auth event) end IDE cookies", async () => {
    const user = await newUser();
    const caller = createCaller(
      await createTRPCContext({ headers: new Headers(), session: { user: { id: user.id, email: user.email }, expires: new Date(Date.now() + 60_000).toISOString() } }),
    );
    await caller.account.signOutEverywhere();
    expect(await isSessionCurrent(user.id, 0)).toBe(false);

    const other = await newUser();
    const before = Date.now();
    await authOptions.events!.signOut!({ token: { sub: other.id }, session: undefined as never });
    const row = await db.user.findUniqueOrThrow({ where: { id: other.id } });
    expect(row.ideRevokedAt!.getTime()).toBeGreaterThanOrEqual(before);
    expect(row.sessionVersion).toBe(0);
  });
});
