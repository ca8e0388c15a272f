import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { IdeDenial } from "~/server/ide/access";
import { issueIdeUrl } from "~/server/ide/service";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const denial: Record<IdeDenial, { code: TRPCError["code"]; message: string }> = {
  "not-found": { code: "NOT_FOUND", message: "No such server on your account." },
  stopped: { code: "PRECONDITION_FAILED", message: "Start the server first." },
  "no-ide": { code: "PRECONDITION_FAILED", message: "The browser IDE is not enabled on this server." },
};

export const ideRouter = createTRPCRouter({
  /** The hosted IDE URL with a one-shot token (valid 60 s) for a server the caller owns. */
  createToken: protectedProcedure
    .input(z.object({ serverId: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      const r = await issueIdeUrl(ctx.db, ctx.session.user.id, { id: input.serverId });
      if (!r.ok) throw new TRPCError(denial[r.reason]);
      return { url: r.url };
    }),
});
