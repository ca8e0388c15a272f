import { z } from "zod";
import { gameConnect } from "../../game/connect";
import { createTRPCRouter, protectedProcedure } from "../trpc";

/** Game servers: the address players connect to and what the game answers (players, MOTD). */
export const gameRouter = createTRPCRouter({
  connect: protectedProcedure.input(z.object({ serverId: z.string().min(1).max(64) })).query(({ ctx, input }) => gameConnect(ctx.session.user.id, input.serverId, ctx.headers.get("host"))),
});
