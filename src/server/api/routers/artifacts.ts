import { preparingArtifacts } from "../../artifacts/preparing-service";
import { createTRPCRouter, protectedProcedure } from "../trpc";

/** Artifacts as users see them: what is still being prepared (first run), with progress. */
export const artifactsRouter = createTRPCRouter({
  preparing: protectedProcedure.query(({ ctx }) => preparingArtifacts(ctx.session.user.id)),
});
