import { createCallerFactory, createTRPCRouter } from "./trpc";
import { backupsRouter } from "./routers/backups";
import { schedulesRouter } from "./routers/schedules";
import { idleRouter } from "./routers/idle";
import { adminRouter } from "./routers/admin";
import { artifactsRouter } from "./routers/artifacts";
import { gameRouter } from "./routers/game";
import { addonsRouter } from "./routers/addons";
import { accountRouter } from "./routers/account";
import { billingRouter } from "./routers/billing";
import { ideRouter } from "./routers/ide";
import { serversRouter } from "./routers/servers";
import { sshRouter } from "./routers/ssh";
import { filesRouter } from "./routers/files";
import { monitorRouter } from "./routers/monitor";
import { accountEmailRouter } from "./routers/account-email";
import { notificationsRouter } from "./routers/notifications";

/** The portal's API: one router per area, each procedure thin. */
export const appRouter = createTRPCRouter({
  backups: backupsRouter,
  schedules: schedulesRouter,
  idle: idleRouter,
  admin: adminRouter,
  artifacts: artifactsRouter,
  game: gameRouter,
  addons: addonsRouter,
  account: accountRouter,
  billing: billingRouter,
  ide: ideRouter,
  servers: serversRouter,
  ssh: sshRouter,
  files: filesRouter,
  monitor: monitorRouter,
  accountEmail: accountEmailRouter,
  notifications: notificationsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
