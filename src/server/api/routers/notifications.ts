import { z } from "zod";
import { notificationKindSchema } from "~/server/notify/kinds";
import { getPreferences, setPreference } from "~/server/notify/preferences";
import { createWebhook, createWebhookInput, deleteWebhook, listWebhooks, testWebhook } from "~/server/notify/webhooks/service";
import { createTRPCRouter, protectedProcedure } from "../trpc";

/** Alert settings: email per kind, per-server webhooks. */
export const notificationsRouter = createTRPCRouter({
  preferences: protectedProcedure.query(({ ctx }) => getPreferences(ctx.session.user.id)),
  setPreference: protectedProcedure
    .input(z.object({ kind: notificationKindSchema, email: z.boolean() }))
    .mutation(({ ctx, input }) => setPreference(ctx.session.user.id, input.kind, input.email)),
  webhooks: protectedProcedure.query(({ ctx }) => listWebhooks(ctx.session.user.id)),
  createWebhook: protectedProcedure.input(createWebhookInput).mutation(({ ctx, input }) => createWebhook(ctx.session.user.id, input)),
  testWebhook: protectedProcedure.input(z.object({ webhookId: z.string().min(1).max(100) })).mutation(({ ctx, input }) => testWebhook(ctx.session.user.id, input.webhookId)),
  deleteWebhook: protectedProcedure.input(z.object({ webhookId: z.string().min(1).max(100) })).mutation(({ ctx, input }) => deleteWebhook(ctx.session.user.id, input.webhookId)),
});
