import type { Service } from "../lifecycle";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { portalMetrics } from "../metrics/registry";
import { SAMPLE_SECONDS } from "./figures";
import { readAgentFigures } from "./read-agent";
import { applyRetention } from "./retention";
import { createSampler } from "./sampler";

/**
 * The history jobs of a portal process: a sampling cycle every 30 s and retention (downsample,
 * prune) every hour. Both are idempotent across portal instances (slot-keyed rows, aligned
 * cut-offs), so every instance may run them. A cycle still running when the next is due is not
 * started twice.
 */
const log = logger.child({ module: "history" });
const RETENTION_EVERY_MS = 60 * 60_000;

export function historyService(opts: { sampleEveryMs?: number; now?: () => number } = {}): Service {
  const now = opts.now ?? Date.now;
  const sampler = createSampler({ db, readAgent: readAgentFigures, now });
  const timers: NodeJS.Timeout[] = [];
  let sampling: Promise<void> | undefined;
  const sample = () => {
    if (sampling) return;
    const end = portalMetrics().sampleCycles.startTimer();
    sampling = sampler
      .cycle()
      .then((r) => {
        if (r.failed) portalMetrics().sampleFailures.inc(r.failed);
      })
      .catch((err: unknown) => log.warn({ err }, "history sampling failed"))
      .finally(() => {
        end();
        sampling = undefined;
      });
  };
  const retain = () =>
    void applyRetention(db, new Date(now()))
      .then((r) => {
        if (r.created || r.pruned) log.info(r, "history downsampled and pruned");
      })
      .catch((err: unknown) => log.warn({ err }, "history retention failed"));
  return {
    name: "history",
    start: async () => {
      timers.push(setInterval(sample, opts.sampleEveryMs ?? SAMPLE_SECONDS * 1000), setInterval(retain, RETENTION_EVERY_MS));
      for (const t of timers) t.unref();
      retain();
    },
    stop: async () => {
      for (const t of timers.splice(0)) clearInterval(t);
      await sampling;
    },
  };
}
