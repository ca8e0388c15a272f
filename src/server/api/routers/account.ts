import { TRPCError } from "@trpc/server";
import { clientAddressFrom } from "~/server/auth/request-context";
import { AccountError, changePasswordInput, signUpInput, type AccountErrorCode } from "~/server/account/account.types";
import { changePassword, getAccount } from "~/server/account/service";
import { publicSignUp } from "~/server/account/signup";
import { sendSignupAttemptNotice, sendVerificationEmail } from "~/server/account/verification";
import { signOutEverywhere } from "~/server/auth/session-version";
import { env } from "~/env";
import { isUnisolated } from "~/server/isolation/mode";
import { assertMayCreateAccount, keepSingleAccount } from "~/server/isolation/single-account";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";

const trpcCode: Record<AccountErrorCode, TRPCError["code"]> = {
  INVALID_INPUT: "BAD_REQUEST",
  EMAIL_TAKEN: "CONFLICT",
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  WRONG_PASSWORD: "BAD_REQUEST",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  NOT_FOUND: "NOT_FOUND",
};

/** The service's user-facing errors keep their message; anything else stays an internal error. */
async function mapped<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AccountError) throw new TRPCError({ code: trpcCode[err.code], message: err.message, cause: err });
    throw err;
  }
}

export const accountRouter = createTRPCRouter({
  me: protectedProcedure.query(({ ctx }) => mapped(getAccount(ctx.db, ctx.session.user.id))),

  signUp: publicProcedure
    .input(signUpInput)
    .mutation(({ ctx, input }) =>
      mapped(
        assertMayCreateAccount(ctx.db, isUnisolated()).then(() =>
          publicSignUp(ctx.db, input, {
            address: ctx.ip,
            perMinute: env.ZLH_SIGNUP_PER_MINUTE,
            // The new account gets its verification link (unless unisolated mode takes it back); the owner of a taken address is told by email.
            onCreated: async (user) => {
              await keepSingleAccount(ctx.db, user.id, isUnisolated());
              await sendVerificationEmail(user.id);
            },
            onEmailTaken: (email) => sendSignupAttemptNotice(email),
          }),
        ),
      ),
    ),

  signOutEverywhere: protectedProcedure.mutation(({ ctx }) => signOutEverywhere(ctx.session.user.id)),

  changePassword: protectedProcedure
    .input(changePasswordInput)
    .mutation(({ ctx, input }) =>
      mapped(changePassword(ctx.db, ctx.session.user.id, input, { address: clientAddressFrom(ctx.headers) })),
    ),
});
