import { z } from "zod";
import { backupIdSchema } from "../../../../agent/src/contract/backup";

/** Inputs of the backups and schedules routers. */
export const serverOnly = z.object({ serverId: z.string().min(1).max(64) }).strict();
export const backupRef = z.object({ serverId: z.string().min(1).max(64), backupId: backupIdSchema }).strict();

export const scheduleCreateInput = z
  .object({
    serverId: z.string().min(1).max(64),
    action: z.enum(["restart", "backup", "command"]),
    cron: z.string().trim().min(9).max(120),
    timezone: z.string().min(1).max(64).default("UTC"),
    command: z.string().trim().min(1).max(1000).regex(/^[^\r\n]*$/, "one line").optional(),
    enabled: z.boolean().default(true),
  })
  .strict();
export const scheduleRef = z.object({ serverId: z.string().min(1).max(64), scheduleId: z.string().min(1).max(64) }).strict();
export const scheduleEnabledInput = scheduleRef.extend({ enabled: z.boolean() }).strict();
