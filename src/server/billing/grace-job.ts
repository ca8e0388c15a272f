import type { Service } from "../lifecycle";
import { logger } from "../log/logger";
import { billingConfig } from "./config";
import { reconcilePlanLimits } from "./plan-enforcement";
import { reconcileSuspensions, type StopServer } from "./suspension";
import { sendBillingNoticesSafely } from "../notify/billing-notices";

/**
 * Runs the billing check (grace expiry -> suspension, payment -> lift, retried stops) once at start
 * and then every minute. The check is idempotent, so several portal instances may run it.
 */
const log = logger.child({ domain: "billing" });

export function billingGraceService(stopServer: StopServer, intervalMs = 60_000): Service {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return running;
    running = reconcileSuspensions(billingConfig(), stopServer)
      .then(async (r) => {
        if (r.suspended || r.stopped || r.lifted || r.stopFailures) log.info(r, "billing check changed servers");
        // Cancelled or downgraded plans: servers the plan no longer covers are stopped until it does.
        const p = await reconcilePlanLimits(stopServer);
        if (p.stopped || p.lifted || p.failures) log.info(p, "plan check changed servers");
        // Grace reminders, suspensions and resumptions are told to the account owner (once each).
        await sendBillingNoticesSafely(billingConfig());
      })
      .catch((err: unknown) => log.error({ err }, "billing check failed"))
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  return {
    name: "billing-grace",
    start: async () => {
      void tick();
      timer = setInterval(() => void tick(), intervalMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
