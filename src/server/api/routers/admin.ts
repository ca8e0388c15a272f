import { listAudit } from "../../admin/audit-log";
import { adminCatalog, listBuilds, promoteArtifact, requestBuild, retryBuild, rollbackArtifact, verifyArtifacts } from "../../admin/artifacts";
import { failedJobs, queueSummary, retryJob } from "../../admin/jobs";
import { adminServerPower, listAllServers } from "../../admin/servers";
import { listUsers, suspendUser, unsuspendUser } from "../../admin/users";
import { adminProcedure, createTRPCRouter } from "../trpc";
import {
  adminServerPowerInput,
  adminServersInput,
  adminUsersInput,
  auditInput,
  buildIdInput,
  buildInput,
  failedJobsInput,
  promoteInput,
  retryJobInput,
  rollbackInput,
  suspendUserInput,
  userIdInput,
} from "./admin.types";

const actor = (ctx: { session: { user: { id: string } }; ip: string | null }) => ({ id: ctx.session.user.id, ip: ctx.ip });

/** The operator console (/admin). Every procedure is an adminProcedure: NOT_FOUND for everyone else. */
export const adminRouter = createTRPCRouter({
  users: adminProcedure.input(adminUsersInput).query(({ input }) => listUsers(input)),
  suspendUser: adminProcedure.input(suspendUserInput).mutation(({ ctx, input }) => suspendUser(actor(ctx), input.userId, input.reason)),
  unsuspendUser: adminProcedure.input(userIdInput).mutation(({ ctx, input }) => unsuspendUser(actor(ctx), input.userId)),
  servers: adminProcedure.input(adminServersInput).query(({ input }) => listAllServers(input)),
  serverPower: adminProcedure.input(adminServerPowerInput).mutation(({ ctx, input }) => adminServerPower(actor(ctx), input.serverId, input.action)),
  queues: adminProcedure.query(() => queueSummary()),
  failedJobs: adminProcedure.input(failedJobsInput).query(({ input }) => failedJobs(input)),
  retryJob: adminProcedure.input(retryJobInput).mutation(({ ctx, input }) => retryJob(actor(ctx), input.queue, input.id)),
  catalog: adminProcedure.query(() => adminCatalog()),
  builds: adminProcedure.query(() => listBuilds()),
  build: adminProcedure.input(buildInput).mutation(({ ctx, input }) => requestBuild(actor(ctx), input.name, input.version)),
  retryBuild: adminProcedure.input(buildIdInput).mutation(({ ctx, input }) => retryBuild(actor(ctx), input.buildId)),
  promote: adminProcedure.input(promoteInput).mutation(({ ctx, input }) => promoteArtifact(actor(ctx), input.name, input.version, input.channel)),
  rollback: adminProcedure.input(rollbackInput).mutation(({ ctx, input }) => rollbackArtifact(actor(ctx), input.name, input.channel)),
  verify: adminProcedure.mutation(({ ctx }) => verifyArtifacts(actor(ctx))),
  audit: adminProcedure.input(auditInput).query(({ input }) => listAudit({ ...input, before: input.cursor ?? undefined })),
});
