"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Button, type ButtonVariant } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { useTRPC } from "~/trpc/react";

/** Opens Stripe's Customer Portal (payment method, invoices, plan changes, cancellation). */
export function ManageBillingButton({ variant = "secondary", label = "Manage billing" }: { variant?: ButtonVariant; label?: string }) {
  const trpc = useTRPC();
  const portal = useMutation(trpc.billing.createPortalSession.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const [leaving, setLeaving] = useState(false);
  async function open() {
    setError(null);
    try {
      const { url } = await portal.mutateAsync();
      setLeaving(true);
      window.location.assign(url);
    } catch (err) {
      setError(formError(err).message);
    }
  }
  return (
    <div className="space-y-2">
      <Button variant={variant} pending={portal.isPending || leaving} onClick={open} data-testid="manage-billing">
        {label}
      </Button>
      {error && <p className="text-sm text-red-300">{error}</p>}
    </div>
  );
}
