import type { Tone } from "~/components/ui";

/** Labels for Stripe states as the billing page shows them. */
export function formatDate(d: Date | null | undefined): string {
  return d ? d.toLocaleDateString("en", { dateStyle: "medium", timeZone: "UTC" }) : "";
}

export function subscriptionStatusLabel(status: string): { label: string; tone: Tone } {
  switch (status) {
    case "active":
      return { label: "Active", tone: "success" };
    case "trialing":
      return { label: "Trial", tone: "info" };
    case "past_due":
      return { label: "Past due", tone: "warning" };
    case "unpaid":
      return { label: "Unpaid", tone: "danger" };
    case "canceled":
      return { label: "Canceled", tone: "neutral" };
    case "incomplete":
    case "incomplete_expired":
      return { label: "Incomplete", tone: "warning" };
    case "paused":
      return { label: "Paused", tone: "neutral" };
    default:
      return { label: status, tone: "neutral" };
  }
}

export function invoiceStatusLabel(status: string | null): { label: string; tone: Tone } {
  switch (status) {
    case "paid":
      return { label: "Paid", tone: "success" };
    case "open":
      return { label: "Open (payment due)", tone: "warning" };
    case "uncollectible":
      return { label: "Uncollectible", tone: "danger" };
    case "void":
      return { label: "Void", tone: "neutral" };
    case "draft":
      return { label: "Draft", tone: "neutral" };
    case null:
      return { label: "No invoices yet", tone: "neutral" };
    default:
      return { label: status, tone: "neutral" };
  }
}

/** Fraction of a limit used, clamped to [0, 1]; a zero limit counts as full. */
export function usedFraction(used: number, max: number): number {
  if (max <= 0) return 1;
  return Math.min(1, Math.max(0, used / max));
}
