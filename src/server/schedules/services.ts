import type { Service } from "../lifecycle";
import { logger } from "../log/logger";
import { ScheduleRunner } from "./runner";

const TICK_MS = 15_000;
const log = logger.child({ module: "schedules" });

/** Ticks the schedule runner every 15 s (runs are claimed in PostgreSQL, so every instance may tick). */
export function schedulesService(): Service {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  return {
    name: "schedules",
    async start() {
      const runner = new ScheduleRunner();
      timer = setInterval(() => {
        running = runner.tick().catch((err: unknown) => log.error({ err }, "schedule tick failed"));
      }, TICK_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
