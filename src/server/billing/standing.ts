import { planIdSchema, type PlanId } from "./plans";

/**
 * Where an account stands with billing, as a pure function of its subscription row and the time.
 * A failed payment opens a grace period; while it runs a past-due subscription keeps its paid plan;
 * once it is over the account is "lapsed": free-plan limits and its servers are suspended.
 */
export type SubscriptionSnapshot = {
  plan: string;
  status: string;
  paymentFailedAt: Date | null;
};

export type StandingState = "none" | "active" | "grace" | "lapsed" | "ended";

export type Standing = {
  plan: PlanId;
  state: StandingState;
  /** When the grace period ends (grace) or ended (lapsed); null otherwise. */
  graceEndsAt: Date | null;
};

const PAID_STATUSES = new Set(["active", "trialing"]);
/** Statuses where Stripe is still retrying a failed payment on a live subscription. */
const DUNNING_STATUSES = new Set(["past_due", "unpaid"]);

const DAY_MS = 24 * 60 * 60 * 1000;

function paidPlan(plan: string): PlanId {
  const parsed = planIdSchema.safeParse(plan);
  return parsed.success ? parsed.data : "free";
}

export function standingOf(sub: SubscriptionSnapshot | null, now: Date, graceDays: number): Standing {
  if (!sub) return { plan: "free", state: "none", graceEndsAt: null };
  if (PAID_STATUSES.has(sub.status)) return { plan: paidPlan(sub.plan), state: "active", graceEndsAt: null };
  const dunning = DUNNING_STATUSES.has(sub.status);
  // A dunning subscription without a recorded failure is treated as failing from now on.
  const failedAt = sub.paymentFailedAt ?? (dunning ? now : null);
  if (!failedAt) return { plan: "free", state: "ended", graceEndsAt: null };
  const graceEndsAt = new Date(failedAt.getTime() + graceDays * DAY_MS);
  if (now.getTime() >= graceEndsAt.getTime()) return { plan: "free", state: "lapsed", graceEndsAt };
  // A canceled subscription with an unpaid failure keeps no paid plan, but is not suspended yet.
  return { plan: dunning ? paidPlan(sub.plan) : "free", state: "grace", graceEndsAt };
}

/** Servers are suspended exactly when the account has lapsed. */
export function shouldSuspend(standing: Standing): boolean {
  return standing.state === "lapsed";
}

/**
 * Suspension reasons written by billing start with this prefix, so billing lifts only its own
 * suspensions and leaves any other reason alone.
 */
export const BILLING_SUSPENSION_PREFIX = "Billing:";

export function suspensionReason(standing: Standing): string {
  const ended = standing.graceEndsAt ? ` on ${standing.graceEndsAt.toISOString().slice(0, 10)}` : "";
  return `${BILLING_SUSPENSION_PREFIX} a payment failed and the grace period ended${ended}. Pay the open invoice under Manage billing on /billing to resume.`;
}

export function isBillingSuspension(reason: string | null | undefined): boolean {
  return Boolean(reason?.startsWith(BILLING_SUSPENSION_PREFIX));
}
