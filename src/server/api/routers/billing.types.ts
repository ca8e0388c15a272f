import { z } from "zod";

/** Inputs of the billing router. Only plans that are sold can be checked out. */
export const checkoutInput = z.object({ plan: z.enum(["starter", "pro"]) });
export type CheckoutInput = z.infer<typeof checkoutInput>;
