import type { Service } from "../lifecycle";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { pruneBuckets } from "./store";
import { pruneWindows } from "./windows";

// Longer than any policy's window, so a pruned bucket can no longer limit anything.
const KEEP_MS = 24 * 60 * 60_000;
const EVERY_MS = 60 * 60_000;

/** Deletes stale rate-limit buckets and windows hourly, so the table stays as small as the active attackers. */
export function rateLimitPrunerService(): Service {
  let timer: NodeJS.Timeout | undefined;
  const prune = async () => {
    try {
      const before = new Date(Date.now() - KEEP_MS);
      const count = (await pruneBuckets(db, before)) + (await pruneWindows(db, before));
      if (count > 0) logger.info({ count }, "pruned stale rate-limit buckets");
    } catch (err) {
      logger.warn({ err }, "rate-limit bucket pruning failed");
    }
  };
  return {
    name: "ratelimit-pruner",
    start: async () => {
      void prune();
      timer = setInterval(() => void prune(), EVERY_MS);
      timer.unref();
    },
    stop: async () => clearInterval(timer),
  };
}
