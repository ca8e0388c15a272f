import { portalMetrics } from "./registry";

const OUTCOMES = new Set(["applied", "duplicate", "ignored", "unmatched", "kept", "missing"]);

/**
 * The outcome label of one webhook delivery: the processing outcome when it was processed, else
 * what our answer's status says (too large, refused, not configured, failed).
 */
export function webhookOutcome(status: number, body: unknown): string {
  const outcome = (body as { outcome?: unknown } | null)?.outcome;
  if (status === 200 && typeof outcome === "string" && OUTCOMES.has(outcome)) return outcome;
  if (status === 413) return "too_large";
  if (status === 400) return "refused";
  if (status === 503) return "not_configured";
  return status >= 500 ? "failed" : `status_${Math.floor(status / 100)}xx`;
}

export function countWebhook(source: "stripe", status: number, body?: unknown): void {
  portalMetrics().webhooks.inc({ source, outcome: webhookOutcome(status, body) });
}
