import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

export type BillingOverview = inferRouterOutputs<AppRouter>["billing"]["overview"];
export type PlanView = inferRouterOutputs<AppRouter>["billing"]["plans"][number];
