import type { Service } from "../lifecycle";
import { logger } from "../log/logger";
import { checkIdleServers } from "./checker";

const CHECK_MS = 60_000;
const log = logger.child({ module: "idle" });

/** Runs the idle auto-stop pass once a minute. */
export function idleStopService(): Service {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  return {
    name: "idle-stop",
    async start() {
      timer = setInterval(() => {
        running = checkIdleServers().catch((err: unknown) => log.error({ err }, "idle pass failed"));
      }, CHECK_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
