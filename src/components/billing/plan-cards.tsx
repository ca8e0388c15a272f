"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, Button, Card, CardBody, CardDescription, CardFooter, CardHeader, CardTitle } from "~/components/ui";
import { cx } from "~/lib/cx";
import { formError } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";
import { ManageBillingButton } from "./manage-billing-button";
import type { BillingOverview, PlanView } from "./types";

const LIVE = new Set(["active", "trialing", "past_due", "unpaid"]);

/** The plans side by side; paid plans can be bought through Stripe Checkout. */
export function PlanCards({ plans, overview }: { plans: PlanView[]; overview: BillingOverview }) {
  const trpc = useTRPC();
  const checkout = useMutation(trpc.billing.createCheckoutSession.mutationOptions());
  const [pendingPlan, setPendingPlan] = useState<string | null>(null);
  const [error, setError] = useState<{ plan: string; message: string } | null>(null);
  const hasLiveSubscription = Boolean(overview.subscription && LIVE.has(overview.subscription.status));

  async function upgrade(plan: "starter" | "pro") {
    setError(null);
    setPendingPlan(plan);
    try {
      const { url } = await checkout.mutateAsync({ plan });
      window.location.assign(url);
    } catch (err) {
      setError({ plan, message: formError(err).message });
      setPendingPlan(null);
    }
  }

  return (
    <div className="grid gap-6 md:grid-cols-3">
      {plans.map((plan) => {
        const current = plan.id === overview.plan;
        return (
          <Card key={plan.id} className={cx("flex flex-col", current && "ring-brand-400/50")} data-testid={`plan-${plan.id}`}>
            <CardHeader>
              <div className="flex items-center justify-between gap-2">
                <CardTitle>{plan.name}</CardTitle>
                {current && <Badge tone="brand">Current plan</Badge>}
              </div>
              <CardDescription>{plan.tagline}</CardDescription>
            </CardHeader>
            <CardBody className="flex-1 space-y-4">
              <p className="text-3xl font-semibold text-white">
                ${plan.priceMonthlyUsd}
                <span className="text-sm font-normal text-zinc-400"> / month</span>
              </p>
              <ul className="space-y-2 text-sm text-zinc-300">
                {plan.features.map((f) => (
                  <li key={f} className="flex gap-2">
                    <span className="text-brand-400" aria-hidden="true">
                      ✓
                    </span>
                    {f}
                  </li>
                ))}
              </ul>
            </CardBody>
            <CardFooter className="flex-col items-stretch">
              {plan.id === "free" ? (
                <p className="text-sm text-zinc-500">{current ? "You are on the free plan." : "Included with every account."}</p>
              ) : current ? (
                <p className="text-sm text-zinc-400">This is your plan.</p>
              ) : !plan.purchasable ? (
                <Button variant="secondary" disabled>
                  Unavailable
                </Button>
              ) : hasLiveSubscription ? (
                <ManageBillingButton label={`Switch to ${plan.name}`} />
              ) : (
                <Button
                  onClick={() => upgrade(plan.id as "starter" | "pro")}
                  pending={pendingPlan === plan.id}
                  disabled={pendingPlan !== null}
                  data-testid={`upgrade-${plan.id}`}
                >
                  Upgrade to {plan.name}
                </Button>
              )}
              {error?.plan === plan.id && <p className="text-sm text-red-300">{error.message}</p>}
            </CardFooter>
          </Card>
        );
      })}
    </div>
  );
}
