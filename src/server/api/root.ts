import { createCallerFactory, createTRPCRouter } from "./trpc";
import { accountRouter } from "./routers/account";
import { billingRouter } from "./routers/billing";
import { ideRouter } from "./routers/ide";
import { serversRouter } from "./routers/servers";
import { sshRouter } from "./routers/ssh";
import { filesRouter } from "./routers/files";
import { monitorRouter } from "./routers/monitor";

/** The portal's API: one router per area, each procedure thin. */
export const appRouter = createTRPCRouter({
  account: accountRouter,
  billing: billingRouter,
  ide: ideRouter,
  servers: serversRouter,
  ssh: sshRouter,
  files: filesRouter,
  monitor: monitorRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
