import { createTRPCRouter, protectedProcedure } from "../trpc";
import { addKey, listKeys, removeKey } from "../../ssh/keys";
import { sshConfigForServer } from "../../ssh/config";
import { createTailnetKey, tailnetStatus } from "../../ssh/tailnet";
import { addSshKeyInput, createTailnetKeyInput, removeSshKeyInput, sshConfigInput } from "../../ssh/ssh.types";

/** SSH keys of the signed-in user, per-server SSH config, and tailnet (Headscale) auth keys. */
export const sshRouter = createTRPCRouter({
  listKeys: protectedProcedure.query(({ ctx }) => listKeys(ctx.session.user.id)),
  addKey: protectedProcedure.input(addSshKeyInput).mutation(({ ctx, input }) => addKey(ctx.session.user.id, input)),
  removeKey: protectedProcedure.input(removeSshKeyInput).mutation(({ ctx, input }) => removeKey(ctx.session.user.id, input.id)),
  config: protectedProcedure.input(sshConfigInput).query(({ ctx, input }) => sshConfigForServer(ctx.session.user.id, input.serverId)),
  tailnetStatus: protectedProcedure.query(() => tailnetStatus()),
  createTailnetKey: protectedProcedure
    .input(createTailnetKeyInput)
    .mutation(({ ctx, input }) => createTailnetKey({ id: ctx.session.user.id, email: ctx.session.user.email }, input)),
});
