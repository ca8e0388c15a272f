import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../../test/db";

useTestDatabase();
const { createCaller } = await import("../root");
const { createTRPCContext } = await import("../trpc");
const { db, closeDb } = await import("../../db/client");
const { env } = await import("~/env");
afterAll(closeDb);

const password = "a long enough password";
const headers = () => new Headers({ "x-zlh-client-address": `test-${randomUUID()}` });
const anonymous = async () => createCaller(await createTRPCContext({ headers: headers(), session: null }));
const as = async (user: { id: string; email: string }) =>
  createCaller(await createTRPCContext({ headers: headers(), session: { user, expires: new Date(Date.now() + 60_000).toISOString() } }));

async function trpcError(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

describe("account router", () => {
  // Regression (#16): a taken email used to answer CONFLICT "already exists" (account discovery).
  it("answers a new and a taken email the same way and shows the caller their account", async () => {
    const email = `router-${randomUUID()}@example.test`;
    const first = await (await anonymous()).account.signUp({ email, password });
    const again = await (await anonymous()).account.signUp({ email, password: "some other password" });
    expect(again).toEqual(first);
    const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true } });
    expect(await (await as(user)).account.me()).toMatchObject({ id: user.id, email });
  });

  // Regression (#16): sign-up had no limit; each call runs a memory-hard hash.
  it("rate limits sign-ups per address with TOO_MANY_REQUESTS", async () => {
    const caller = await anonymous();
    const codes: string[] = [];
    for (let i = 0; i < env.ZLH_SIGNUP_PER_MINUTE + 2; i++) {
      codes.push(await caller.account.signUp({ email: `flood-${randomUUID()}@example.test`, password }).then(() => "OK", (e: TRPCError) => e.code));
    }
    expect(codes.slice(0, env.ZLH_SIGNUP_PER_MINUTE).every((c) => c === "OK")).toBe(true);
    expect(codes.slice(env.ZLH_SIGNUP_PER_MINUTE)).toEqual(["TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
  }, 120_000);

  it("validates input with the shared schema", async () => {
    const err = await trpcError((await anonymous()).account.signUp({ email: "nope", password: "short" }));
    expect(err.code).toBe("BAD_REQUEST");
  });

  it("requires a session for me and changePassword", async () => {
    const caller = await anonymous();
    expect((await trpcError(caller.account.me())).code).toBe("UNAUTHORIZED");
    expect((await trpcError(caller.account.changePassword({ currentPassword: "x", newPassword: "another long one" }))).code).toBe("UNAUTHORIZED");
  });

  it("changes the password of the signed-in user only with the current one", async () => {
    const email = `router-${randomUUID()}@example.test`;
    await (await anonymous()).account.signUp({ email, password });
    const caller = await as(await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, email: true } }));
    const wrong = await trpcError(caller.account.changePassword({ currentPassword: "not it at all", newPassword: "another long one" }));
    expect(wrong).toMatchObject({ code: "BAD_REQUEST", message: "Current password is wrong." });
    await caller.account.changePassword({ currentPassword: password, newPassword: "another long one" });
  });
});
