import { createTRPCRouter, protectedProcedure } from "../trpc";
import { deleteFile, listFiles, makeFolder, readFile, renameFile, writeFile } from "../../files/service";
import { fileDeleteInput, filePathInput, fileRenameInput, fileWriteInput } from "./files.types";

/** The file browser (JSON operations); downloads and uploads stream through /api/servers/[id]/files/*. */
export const filesRouter = createTRPCRouter({
  list: protectedProcedure.input(filePathInput).query(({ ctx, input }) => listFiles(ctx.session.user.id, input.serverId, input.path)),
  read: protectedProcedure.input(filePathInput).query(({ ctx, input }) => readFile(ctx.session.user.id, input.serverId, input.path)),
  write: protectedProcedure.input(fileWriteInput).mutation(({ ctx, input }) => writeFile(ctx.session.user.id, input.serverId, input.path, input.content)),
  mkdir: protectedProcedure.input(filePathInput).mutation(({ ctx, input }) => makeFolder(ctx.session.user.id, input.serverId, input.path)),
  rename: protectedProcedure.input(fileRenameInput).mutation(({ ctx, input }) => renameFile(ctx.session.user.id, input.serverId, input.from, input.to)),
  delete: protectedProcedure.input(fileDeleteInput).mutation(({ ctx, input }) => deleteFile(ctx.session.user.id, input.serverId, input.path, input.recursive)),
});
