import { z } from "zod";
import { artifactNameSchema, channelSchema, versionSchema } from "../../../../agent/src/contract/catalog";

/** Inputs of the operator console's procedures. */
export const adminUsersInput = z.object({ query: z.string().trim().max(200).optional(), take: z.number().int().min(1).max(500).optional() });
export const suspendUserInput = z.object({ userId: z.string().min(1).max(64), reason: z.string().trim().min(3, "Give a reason the user will see.").max(500) });
export const userIdInput = z.object({ userId: z.string().min(1).max(64) });
export const adminServersInput = z.object({
  status: z.enum(["provisioning", "running", "starting", "stopping", "stopped", "error", "deleting", "deleted"]).optional(),
  query: z.string().trim().max(200).optional(),
  take: z.number().int().min(1).max(500).optional(),
});
export const adminServerPowerInput = z.object({ serverId: z.string().min(1).max(64), action: z.enum(["start", "stop"]) });
export const failedJobsInput = z.object({ queue: z.string().max(100).optional(), take: z.number().int().min(1).max(200).optional() });
export const retryJobInput = z.object({ queue: z.string().min(1).max(100), id: z.uuid() });
export const buildInput = z.object({ name: artifactNameSchema, version: versionSchema });
export const buildIdInput = z.object({ buildId: z.string().min(1).max(64) });
export const promoteInput = z.object({ name: artifactNameSchema, version: versionSchema, channel: channelSchema });
export const rollbackInput = z.object({ name: artifactNameSchema, channel: channelSchema });
export const auditInput = z.object({
  action: z.string().trim().max(100).optional(),
  actor: z.string().trim().max(200).optional(),
  target: z.string().trim().max(200).optional(),
  cursor: z.date().nullish(),
  take: z.number().int().min(1).max(200).optional(),
});
