import { createTRPCRouter, protectedProcedure } from "../trpc";
import {
  createServer,
  deleteServer,
  gamePower,
  getServer,
  listServers,
  restartServer,
  runtimeCatalog,
  serverEvents,
  serverStatus,
  startServer,
  stopServer,
} from "../../provisioning/service";
import { createServerInput, gamePowerInput, serverEventsInput, serverIdInput } from "./servers.types";

/** Game and dev servers of the signed-in user. Ownership is checked in the service (NOT_FOUND for others'). */
export const serversRouter = createTRPCRouter({
  runtimeCatalog: protectedProcedure.query(() => runtimeCatalog()),
  create: protectedProcedure.input(createServerInput).mutation(({ ctx, input }) => createServer(ctx.session.user.id, input)),
  list: protectedProcedure.query(({ ctx }) => listServers(ctx.session.user.id)),
  get: protectedProcedure.input(serverIdInput).query(({ ctx, input }) => getServer(ctx.session.user.id, input.serverId)),
  status: protectedProcedure.input(serverIdInput).query(({ ctx, input }) => serverStatus(ctx.session.user.id, input.serverId)),
  events: protectedProcedure.input(serverEventsInput).query(({ ctx, input }) => serverEvents(ctx.session.user.id, input.serverId, input)),
  start: protectedProcedure.input(serverIdInput).mutation(({ ctx, input }) => startServer(ctx.session.user.id, input.serverId)),
  stop: protectedProcedure.input(serverIdInput).mutation(({ ctx, input }) => stopServer(ctx.session.user.id, input.serverId)),
  restart: protectedProcedure.input(serverIdInput).mutation(({ ctx, input }) => restartServer(ctx.session.user.id, input.serverId)),
  /** Kills the game process (SIGKILL through the agent's supervisor). */
  kill: protectedProcedure.input(serverIdInput).mutation(({ ctx, input }) => gamePower(ctx.session.user.id, input.serverId, "kill")),
  /** Game process power actions: start, stop, restart, kill. */
  game: protectedProcedure.input(gamePowerInput).mutation(({ ctx, input }) => gamePower(ctx.session.user.id, input.serverId, input.action)),
  delete: protectedProcedure.input(serverIdInput).mutation(({ ctx, input }) => deleteServer(ctx.session.user.id, input.serverId)),
});
