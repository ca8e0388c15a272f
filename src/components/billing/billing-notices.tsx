import { Alert, Spinner } from "~/components/ui";
import { formatDate } from "./format";
import { ManageBillingButton } from "./manage-billing-button";
import type { BillingOverview } from "./types";

/** Messages at the top of the billing page: configuration, checkout return, grace, suspension. */
export function BillingNotices({ overview, checkout, confirming }: { overview: BillingOverview; checkout: "success" | "canceled" | null; confirming: boolean }) {
  return (
    <div className="mb-8 space-y-4 empty:hidden">
      {!overview.configured && (
        <Alert tone="info" data-testid="billing-not-configured">
          <strong className="font-semibold">Billing is not configured on this deployment.</strong> Everyone is on the Free plan and upgrades
          are unavailable. An operator enables billing by setting the Stripe keys (see .env.example).
        </Alert>
      )}

      {checkout === "success" &&
        (confirming ? (
          <Alert tone="info" data-testid="checkout-confirming">
            <span className="inline-flex items-center gap-2">
              <Spinner className="size-4" /> Payment received. Confirming your subscription with Stripe…
            </span>
          </Alert>
        ) : (
          overview.state === "active" && (
            <Alert tone="success" data-testid="checkout-success">
              Thank you! Your {overview.plan === "pro" ? "Pro" : overview.plan === "starter" ? "Starter" : ""} plan is active.
            </Alert>
          )
        ))}

      {checkout === "canceled" && <Alert tone="info">Checkout was canceled. You have not been charged.</Alert>}

      {overview.state === "grace" && (
        <Alert tone="warning" data-testid="grace-notice">
          <p>
            <strong className="font-semibold">A payment failed</strong>
            {overview.subscription?.paymentFailedAt ? ` on ${formatDate(overview.subscription.paymentFailedAt)}` : ""}. Update your payment
            method by <strong className="font-semibold">{formatDate(overview.graceEndsAt)}</strong>, or your servers will be suspended.
          </p>
          <div className="mt-3">
            <ManageBillingButton label="Update payment method" />
          </div>
        </Alert>
      )}

      {overview.suspendedServers.length > 0 && (
        <Alert tone="danger" data-testid="suspension-notice">
          <p>
            <strong className="font-semibold">
              {overview.suspendedServers.length === 1 ? "A server is suspended" : `${overview.suspendedServers.length} servers are suspended`}.
            </strong>{" "}
            {overview.state === "lapsed"
              ? `A payment failed and the ${overview.graceDays}-day grace period ended${overview.graceEndsAt ? ` on ${formatDate(overview.graceEndsAt)}` : ""}. Pay the open invoice to resume them; they can be started again as soon as the payment goes through.`
              : "They cannot be started until the reason below is resolved."}
          </p>
          <ul className="mt-2 list-disc space-y-1 pl-5">
            {overview.suspendedServers.map((s) => (
              <li key={s.id}>
                <span className="font-medium">{s.name}</span>: {s.reason}
              </li>
            ))}
          </ul>
          {overview.state === "lapsed" && overview.hasBillingAccount && (
            <div className="mt-3">
              <ManageBillingButton variant="danger" label="Pay now" />
            </div>
          )}
        </Alert>
      )}
    </div>
  );
}
