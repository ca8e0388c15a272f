import { logger } from "../log/logger";
import type { Service } from "../lifecycle";
import { effectiveProvider, hostFacts, isolationAdvice } from "./mode";

/** The start-up log line saying whether tenants are isolated, and how to get isolation when not. */
export const isolationNoticeService: Service = {
  name: "isolation-notice",
  async start() {
    const facts = hostFacts();
    const kind = effectiveProvider(process.env.ZLH_PROVIDER, facts);
    const advice = isolationAdvice(kind, facts);
    if (advice) logger.warn({ provider: kind, ...facts }, advice);
    else logger.info({ provider: kind }, `provider "${kind}": every server runs in its own unprivileged container`);
  },
  async stop() {},
};
