import type { Service } from "../lifecycle";
import { logger } from "../log/logger";
import { startDeliveryJobs, stopDeliveryJobs } from "../mail/jobs";
import { MAIL_QUEUE, sendMailJob, sweepMail } from "../mail/queue";
import { closeTransports } from "../mail/transport";
import { deliverWebhookJob, sweepWebhooks, WEBHOOK_QUEUE } from "./webhooks/deliver";

/**
 * The delivery workers (email, webhooks) and their sweeper, which re-queues rows nobody is
 * working on (see sweepMail / sweepWebhooks). Retries: 6 with exponential backoff from 2 s (about
 * 2 minutes in all) for email, 8 from 2 s (about 8 minutes) for webhooks, whose receivers are
 * more often briefly down.
 */
const log = logger.child({ module: "delivery" });

export function deliveryService(sweepEveryMs = 30_000): Service {
  let timer: NodeJS.Timeout | undefined;
  const sweep = () =>
    Promise.all([sweepMail(), sweepWebhooks()]).catch((err: unknown) => log.error({ err }, "delivery sweep failed"));
  return {
    name: "delivery",
    start: async () => {
      await startDeliveryJobs([
        { name: MAIL_QUEUE, retryLimit: 6, retryDelay: 2, handle: sendMailJob },
        { name: WEBHOOK_QUEUE, retryLimit: 8, retryDelay: 2, handle: deliverWebhookJob },
      ]);
      void sweep();
      timer = setInterval(() => void sweep(), sweepEveryMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      await stopDeliveryJobs();
      closeTransports();
    },
  };
}
