import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../../../test/db";

useTestDatabase();
const { createCaller } = await import("../root");
const { createTRPCContext } = await import("../trpc");
const { closeDb } = await import("../../db/client");
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
  it("signs up, refuses a duplicate with CONFLICT and shows the caller their account", async () => {
    const email = `router-${randomUUID()}@example.test`;
    const user = await (await anonymous()).account.signUp({ email, password });
    const dup = await trpcError((await anonymous()).account.signUp({ email, password }));
    expect(dup.code).toBe("CONFLICT");
    expect(dup.message).toBe("An account with this email already exists.");
    expect(await (await as(user)).account.me()).toMatchObject({ id: user.id, email });
  });

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
    const user = await (await anonymous()).account.signUp({ email: `router-${randomUUID()}@example.test`, password });
    const caller = await as(user);
    const wrong = await trpcError(caller.account.changePassword({ currentPassword: "not it at all", newPassword: "another long one" }));
    expect(wrong).toMatchObject({ code: "BAD_REQUEST", message: "Current password is wrong." });
    await caller.account.changePassword({ currentPassword: password, newPassword: "another long one" });
  });
});
