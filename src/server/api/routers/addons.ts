import { z } from "zod";
import { artifactNameSchema, versionSchema } from "../../../../agent/src/contract/catalog";
import { installMod, installRuntime, modsOf, removeMod, removeRuntime, rollbackRuntime, runtimesOf } from "../../addons/service";
import { createTRPCRouter, protectedProcedure } from "../trpc";

const server = z.object({ serverId: z.string().min(1).max(64) });
const ref = server.extend({ name: artifactNameSchema, version: versionSchema.optional() });
const named = server.extend({ name: artifactNameSchema });
const exact = server.extend({ name: artifactNameSchema, version: versionSchema });

/** Runtimes panel (dev containers) and Mods panel (game servers); ownership is checked in the service. */
export const addonsRouter = createTRPCRouter({
  runtimes: protectedProcedure.input(server).query(({ ctx, input }) => runtimesOf(ctx.session.user.id, input.serverId)),
  installRuntime: protectedProcedure.input(ref).mutation(({ ctx, input }) => installRuntime(ctx.session.user.id, input.serverId, { name: input.name, ...(input.version ? { version: input.version } : {}) })),
  rollbackRuntime: protectedProcedure.input(named).mutation(({ ctx, input }) => rollbackRuntime(ctx.session.user.id, input.serverId, input.name)),
  removeRuntime: protectedProcedure.input(exact).mutation(({ ctx, input }) => removeRuntime(ctx.session.user.id, input.serverId, input.name, input.version)),
  mods: protectedProcedure.input(server).query(({ ctx, input }) => modsOf(ctx.session.user.id, input.serverId)),
  installMod: protectedProcedure.input(ref).mutation(({ ctx, input }) => installMod(ctx.session.user.id, input.serverId, { name: input.name, ...(input.version ? { version: input.version } : {}) })),
  removeMod: protectedProcedure.input(named).mutation(({ ctx, input }) => removeMod(ctx.session.user.id, input.serverId, input.name)),
});
