"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Badge, Card, CardBody, CardDescription, CardFooter, CardHeader, CardTitle } from "~/components/ui";
import { useTRPC } from "~/trpc/react";
import { BillingNotices } from "./billing-notices";
import { formatDate, invoiceStatusLabel, subscriptionStatusLabel } from "./format";
import { ManageBillingButton } from "./manage-billing-button";
import { PlanCards } from "./plan-cards";
import { UsageBar } from "./usage-bar";

/** Back from Checkout, the webhook may not have arrived yet: poll for this long at most. */
const CONFIRM_TIMEOUT_MS = 90_000;

export function BillingView({ checkout }: { checkout: "success" | "canceled" | null }) {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(checkout === "success");
  const overviewQuery = useQuery({ ...trpc.billing.overview.queryOptions(), refetchInterval: confirming ? 1_500 : false });
  const plansQuery = useQuery(trpc.billing.plans.queryOptions());
  const overview = overviewQuery.data;

  useEffect(() => {
    if (confirming && overview?.state === "active") setConfirming(false);
  }, [confirming, overview?.state]);
  useEffect(() => {
    if (!confirming) return;
    const t = setTimeout(() => setConfirming(false), CONFIRM_TIMEOUT_MS);
    return () => clearTimeout(t);
  }, [confirming]);

  if (!overview || !plansQuery.data) return null;
  const plan = plansQuery.data.find((p) => p.id === overview.plan)!;
  const sub = overview.subscription;
  const status = sub ? subscriptionStatusLabel(sub.status) : null;
  const invoice = invoiceStatusLabel(sub?.latestInvoiceStatus ?? null);
  const gb = (mb: number) => (mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`);

  return (
    <>
      <BillingNotices overview={overview} checkout={checkout} confirming={confirming} />
      <div className="mb-10 grid gap-6 lg:grid-cols-3">
        <Card className="flex flex-col">
          <CardHeader>
            <CardDescription>Current plan</CardDescription>
            <div className="flex items-center gap-3">
              <CardTitle className="text-2xl" data-testid="current-plan">
                {plan.name}
              </CardTitle>
              {status && (
                <Badge tone={status.tone} dot data-testid="subscription-status">
                  {status.label}
                </Badge>
              )}
            </div>
          </CardHeader>
          <CardBody className="flex-1 space-y-3 text-sm">
            <div className="flex justify-between gap-4">
              <span className="text-zinc-500">Price</span>
              <span className="text-zinc-200">{plan.priceMonthlyUsd === 0 ? "Free" : `$${plan.priceMonthlyUsd} / month`}</span>
            </div>
            {sub?.currentPeriodEnd && (
              <div className="flex justify-between gap-4">
                <span className="text-zinc-500">{sub.cancelAtPeriodEnd ? "Ends on" : "Renews on"}</span>
                <span className="text-zinc-200">{formatDate(sub.currentPeriodEnd)}</span>
              </div>
            )}
            {overview.configured && (
              <div className="flex items-center justify-between gap-4">
                <span className="text-zinc-500">Latest invoice</span>
                <Badge tone={invoice.tone} data-testid="invoice-status">
                  {invoice.label}
                </Badge>
              </div>
            )}
          </CardBody>
          {overview.hasBillingAccount && (
            <CardFooter>
              <ManageBillingButton />
            </CardFooter>
          )}
        </Card>

        <Card className="lg:col-span-2">
          <CardHeader>
            <CardTitle>Usage</CardTitle>
            <CardDescription>Servers count against your plan until they are deleted.</CardDescription>
          </CardHeader>
          <CardBody className="space-y-5">
            <UsageBar label="Servers" used={overview.usage.total} max={overview.limits.servers} />
            <div className="grid gap-5 sm:grid-cols-2">
              <UsageBar label="Game servers" used={overview.usage.game} max={overview.limits.gameServers} />
              <UsageBar label="Dev servers" used={overview.usage.dev} max={overview.limits.devServers} />
            </div>
            <dl className="grid gap-3 border-t border-white/5 pt-4 text-sm sm:grid-cols-2">
              <div className="flex justify-between gap-4">
                <dt className="text-zinc-500">Memory per server</dt>
                <dd className="text-zinc-200">up to {gb(overview.limits.memoryMbPerServer)}</dd>
              </div>
              <div className="flex justify-between gap-4">
                <dt className="text-zinc-500">Browser IDE</dt>
                <dd className="text-zinc-200">{overview.limits.codeServer ? "Included" : "Not included"}</dd>
              </div>
            </dl>
          </CardBody>
        </Card>
      </div>

      <h2 className="mb-4 text-lg font-semibold text-white">Plans</h2>
      <PlanCards plans={plansQuery.data} overview={overview} />
    </>
  );
}
