import { createTRPCRouter, protectedProcedure } from "../trpc";
import { crashHistory, dashboard, serverLive } from "../../monitor/service";
import { serverIdInput } from "./servers.types";
import { historyForUser } from "../../history/service";
import { historyRangeSchema } from "../../history/ranges";
import { logTail } from "../../logs/service";
import { logSourceSchema, logTailQuerySchema } from "../../../../agent/src/contract/logs";

/** Live views: the dashboard cards, one server's live state, a game server's crash history, and a server's figures over time. */
export const monitorRouter = createTRPCRouter({
  dashboard: protectedProcedure.query(({ ctx }) => dashboard(ctx.session.user.id)),
  server: protectedProcedure.input(serverIdInput).query(({ ctx, input }) => serverLive(ctx.session.user.id, input.serverId)),
  crashes: protectedProcedure.input(serverIdInput).query(({ ctx, input }) => crashHistory(ctx.session.user.id, input.serverId)),
  logTail: protectedProcedure.input(serverIdInput.extend({ source: logSourceSchema }).and(logTailQuerySchema)).query(({ ctx, input }) => logTail(ctx.session.user.id, input.serverId, input.source, input.tail)),
  history: protectedProcedure.input(serverIdInput.extend({ range: historyRangeSchema })).query(({ ctx, input }) => historyForUser(ctx.session.user.id, input.serverId, input.range)),
});
