import { createTRPCRouter, protectedProcedure } from "../trpc";
import { crashHistory, dashboard, serverLive } from "../../monitor/service";
import { serverIdInput } from "./servers.types";

/** Live views: the dashboard cards, one server's live state, and a game server's crash history. */
export const monitorRouter = createTRPCRouter({
  dashboard: protectedProcedure.query(({ ctx }) => dashboard(ctx.session.user.id)),
  server: protectedProcedure.input(serverIdInput).query(({ ctx, input }) => serverLive(ctx.session.user.id, input.serverId)),
  crashes: protectedProcedure.input(serverIdInput).query(({ ctx, input }) => crashHistory(ctx.session.user.id, input.serverId)),
});
