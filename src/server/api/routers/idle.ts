import { z } from "zod";
import { createTRPCRouter, protectedProcedure } from "../trpc";
import { idleSettings, setIdleStop, wakeForAccess } from "../../idle/service";
import { serverOnly } from "./backups.types";

const setInput = z.object({ serverId: z.string().min(1).max(64), minutes: z.number().int().min(5).max(10_080).nullable() }).strict();

/** Idle auto-stop settings and waking a stopped server (console/IDE); ownership checked in the service. */
export const idleRouter = createTRPCRouter({
  settings: protectedProcedure.input(serverOnly).query(({ ctx, input }) => idleSettings(ctx.session.user.id, input.serverId)),
  set: protectedProcedure.input(setInput).mutation(({ ctx, input }) => setIdleStop(ctx.session.user.id, input.serverId, input.minutes)),
  wake: protectedProcedure.input(serverOnly).mutation(({ ctx, input }) => wakeForAccess(ctx.session.user.id, input.serverId)),
});
