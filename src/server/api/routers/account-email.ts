import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { AccountError, type AccountErrorCode } from "~/server/account/account.types";
import { deleteAccount, deleteAccountInput } from "~/server/account/deletion";
import { changeEmailInput, confirmEmailChange, requestEmailChange } from "~/server/account/email-change";
import { forgotPasswordInput, requestPasswordReset, resetPassword, resetPasswordInput } from "~/server/account/password-reset";
import { emailStatus, resendVerification, verifyEmail } from "~/server/account/verification";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";

/** Email-based account flows: verification, forgotten password, change of address, deletion. */
const trpcCode: Record<AccountErrorCode, TRPCError["code"]> = {
  INVALID_INPUT: "BAD_REQUEST",
  EMAIL_TAKEN: "CONFLICT",
  INVALID_CREDENTIALS: "UNAUTHORIZED",
  WRONG_PASSWORD: "BAD_REQUEST",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  NOT_FOUND: "NOT_FOUND",
};

async function mapped<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof AccountError) throw new TRPCError({ code: trpcCode[err.code], message: err.message, cause: err });
    throw err;
  }
}

const tokenInput = z.object({ token: z.string().min(1).max(200) });

export const accountEmailRouter = createTRPCRouter({
  status: protectedProcedure.query(({ ctx }) => emailStatus(ctx.session.user.id)),
  resendVerification: protectedProcedure.mutation(({ ctx }) => resendVerification(ctx.session.user.id)),
  verify: publicProcedure.input(tokenInput).mutation(({ input }) => verifyEmail(input.token)),
  forgotPassword: publicProcedure.input(forgotPasswordInput).mutation(({ ctx, input }) => mapped(requestPasswordReset(input, { address: ctx.ip }))),
  resetPassword: publicProcedure.input(resetPasswordInput).mutation(({ input }) => mapped(resetPassword(input))),
  changeEmail: protectedProcedure.input(changeEmailInput).mutation(({ ctx, input }) => mapped(requestEmailChange(ctx.session.user.id, input, { address: ctx.ip }))),
  confirmEmailChange: publicProcedure.input(tokenInput).mutation(({ input }) => confirmEmailChange(input.token)),
  deleteAccount: protectedProcedure.input(deleteAccountInput).mutation(({ ctx, input }) => mapped(deleteAccount(ctx.session.user.id, input, { address: ctx.ip }))),
});
