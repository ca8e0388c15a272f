import { createTRPCRouter, protectedProcedure } from "../trpc";
import { createBackup, deleteBackup, listBackups, restoreBackup } from "../../backups/service";
import { backupRef, serverOnly } from "./backups.types";

/** Backups of the signed-in user's servers; ownership is checked in the service (NOT_FOUND for others'). */
export const backupsRouter = createTRPCRouter({
  list: protectedProcedure.input(serverOnly).query(({ ctx, input }) => listBackups(ctx.session.user.id, input.serverId)),
  create: protectedProcedure.input(serverOnly).mutation(({ ctx, input }) => createBackup(ctx.session.user.id, input.serverId)),
  delete: protectedProcedure.input(backupRef).mutation(({ ctx, input }) => deleteBackup(ctx.session.user.id, input.serverId, input.backupId)),
  restore: protectedProcedure.input(backupRef).mutation(({ ctx, input }) => restoreBackup(ctx.session.user.id, input.serverId, input.backupId)),
});
