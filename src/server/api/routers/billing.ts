import { billingOverview, createCheckoutSession, createPortalSession, listPlans } from "~/server/billing/service";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";
import { checkoutInput } from "./billing.types";

/** Billing: plans, the caller's standing and usage, and Stripe Checkout / Customer Portal sessions. */
export const billingRouter = createTRPCRouter({
  plans: publicProcedure.query(() => listPlans()),

  overview: protectedProcedure.query(({ ctx }) => billingOverview(ctx.session.user.id)),

  createCheckoutSession: protectedProcedure.input(checkoutInput).mutation(({ ctx, input }) => createCheckoutSession(ctx.session.user.id, input.plan)),

  createPortalSession: protectedProcedure.mutation(({ ctx }) => createPortalSession(ctx.session.user.id)),
});
