import { createCallerFactory, createTRPCRouter } from "./trpc";

/** The portal's API: one router per area, each procedure thin. */
export const appRouter = createTRPCRouter({});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
