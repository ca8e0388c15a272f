import { createTRPCRouter, protectedProcedure } from "../trpc";
import { createSchedule, deleteSchedule, listSchedules, setScheduleEnabled } from "../../schedules/service";
import { scheduleCreateInput, scheduleEnabledInput, scheduleRef, serverOnly } from "./backups.types";

/** Cron schedules of the signed-in user's servers; ownership is checked in the service. */
export const schedulesRouter = createTRPCRouter({
  list: protectedProcedure.input(serverOnly).query(({ ctx, input }) => listSchedules(ctx.session.user.id, input.serverId)),
  create: protectedProcedure.input(scheduleCreateInput).mutation(({ ctx, input: { serverId, ...rest } }) => createSchedule(ctx.session.user.id, serverId, rest)),
  setEnabled: protectedProcedure.input(scheduleEnabledInput).mutation(({ ctx, input }) => setScheduleEnabled(ctx.session.user.id, input.serverId, input.scheduleId, input.enabled)),
  delete: protectedProcedure.input(scheduleRef).mutation(({ ctx, input }) => deleteSchedule(ctx.session.user.id, input.serverId, input.scheduleId)),
});
