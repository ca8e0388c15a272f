import type { Metadata } from "next";
import { ButtonLink, Card } from "~/components/ui";
import { cx } from "~/lib/cx";
import { plans } from "~/server/billing/plans";

export const metadata: Metadata = { title: "Pricing" };

/** Plans straight from the billing module: the prices and limits the portal enforces. */
export default function PricingPage() {
  return (
    <section className="mx-auto max-w-6xl px-4 py-16 sm:px-6">
      <h1 className="text-center text-4xl font-semibold tracking-tight text-white">Pricing</h1>
      <p className="mx-auto mt-3 max-w-2xl text-center text-zinc-400">
        Start free with one small server. Change or cancel from the billing page. Every plan has crash recovery, the live console, the file
        manager and SSH into dev containers; the lines below are the limits each plan enforces.
      </p>
      <div className="mt-12 grid gap-6 md:grid-cols-3">
        {plans.map((p) => {
          const featured = p.id === "starter";
          return (
            <Card key={p.id} className={cx("flex flex-col p-6", featured && "ring-brand-400/50")}>
              <div className="flex items-center justify-between">
                <h2 className="text-lg font-semibold text-white">{p.name}</h2>
              </div>
              <p className="mt-1 text-sm text-zinc-400">{p.tagline}</p>
              <p className="mt-6 text-4xl font-semibold text-white">
                ${p.priceMonthlyUsd}
                <span className="text-base font-normal text-zinc-400">/month</span>
              </p>
              <ul className="mt-6 flex-1 space-y-2 text-sm text-zinc-300">
                {p.features.map((f) => (
                  <li key={f} className="flex gap-2">
                    <span className="text-brand-400" aria-hidden="true">✓</span>
                    {f}
                  </li>
                ))}
                <li className="flex gap-2 text-zinc-400">
                  <span aria-hidden="true">·</span>
                  Up to {p.limits.servers} server{p.limits.servers === 1 ? "" : "s"} in total
                </li>
              </ul>
              <ButtonLink href="/signup" variant={featured ? "primary" : "secondary"} className="mt-8 w-full">
                {p.priceMonthlyUsd === 0 ? "Start free" : `Choose ${p.name}`}
              </ButtonLink>
            </Card>
          );
        })}
      </div>
      <p className="mt-8 text-center text-sm text-zinc-500">Prices in US dollars, billed monthly through Stripe. Taxes may apply where you live.</p>
    </section>
  );
}
