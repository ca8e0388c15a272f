import { z } from "zod";
import { planFeatures } from "./plan-features";

/**
 * The plans ZeroLagHub sells: what each costs and what it allows. Stripe price ids come from the
 * environment (see .env.example); a plan without one cannot be bought in this deployment.
 */
export const planIdSchema = z.enum(["free", "starter", "pro"]);
export type PlanId = z.infer<typeof planIdSchema>;

export type PlanLimits = {
  /** Servers of either kind together (the free plan's "one small server"). */
  servers: number;
  gameServers: number;
  devServers: number;
  memoryMbPerServer: number;
  codeServer: boolean;
  /** Backups kept per server and their total archive size; the oldest go first (#18). */
  backupsPerServer: number;
  backupBytesPerServer: number;
  /** A dev container idle this many minutes stops itself; users may choose less, not more (#18). */
  devIdleStopMinutes: number;
};

export type Plan = {
  id: PlanId;
  name: string;
  tagline: string;
  priceMonthlyUsd: number;
  stripePriceEnv: string | null;
  limits: PlanLimits;
  /** Written from `limits` by planFeatures(): a plan claims only what the portal enforces. */
  features: string[];
};

const withFeatures = (p: Omit<Plan, "features">): Plan => ({ ...p, features: planFeatures(p.limits).map((f) => f.text) });

export const plans: readonly Plan[] = [
  withFeatures({
    id: "free",
    name: "Free",
    tagline: "Try one small server",
    priceMonthlyUsd: 0,
    stripePriceEnv: null,
    limits: { servers: 1, gameServers: 1, devServers: 1, memoryMbPerServer: 1024, codeServer: true, backupsPerServer: 3, backupBytesPerServer: 2 * 1024 ** 3, devIdleStopMinutes: 30 },
  }),
  withFeatures({
    id: "starter",
    name: "Starter",
    tagline: "For a friend group's world",
    priceMonthlyUsd: 8,
    stripePriceEnv: "STRIPE_PRICE_STARTER",
    limits: { servers: 4, gameServers: 2, devServers: 2, memoryMbPerServer: 4096, codeServer: true, backupsPerServer: 10, backupBytesPerServer: 20 * 1024 ** 3, devIdleStopMinutes: 120 },
  }),
  withFeatures({
    id: "pro",
    name: "Pro",
    tagline: "For communities and teams",
    priceMonthlyUsd: 24,
    stripePriceEnv: "STRIPE_PRICE_PRO",
    limits: { servers: 12, gameServers: 6, devServers: 6, memoryMbPerServer: 8192, codeServer: true, backupsPerServer: 30, backupBytesPerServer: 100 * 1024 ** 3, devIdleStopMinutes: 480 },
  }),
];

export function planById(id: PlanId): Plan {
  const plan = plans.find((p) => p.id === id);
  if (!plan) throw new Error(`unknown plan ${id}`);
  return plan;
}
