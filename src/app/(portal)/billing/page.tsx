import type { Metadata } from "next";
import { BillingView } from "~/components/billing/billing-view";
import { PageHeader } from "~/components/ui";
import { requireSession } from "~/server/auth/guard";
import { HydrateClient, getQueryClient, trpc } from "~/trpc/server";

export const metadata: Metadata = { title: "Billing" };

/** Plan, usage against its limits, upgrades through Stripe Checkout, and Stripe's Customer Portal. */
export default async function BillingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireSession("/billing");
  const params = await searchParams;
  const checkout = params.checkout === "success" || params.checkout === "canceled" ? params.checkout : null;
  const queryClient = getQueryClient();
  await Promise.all([queryClient.fetchQuery(trpc.billing.overview.queryOptions()), queryClient.fetchQuery(trpc.billing.plans.queryOptions())]);
  return (
    <HydrateClient>
      <PageHeader title="Billing" description="Your plan, what it allows, and how you pay." />
      <BillingView checkout={checkout} />
    </HydrateClient>
  );
}
