import { z } from "zod";
import { FILE_WRITE_JSON_LIMIT, relativePathSchema } from "../../../../agent/src/contract";

/** Inputs of the files router; paths are relative to the server's folder and checked by its agent. */
const serverId = z.string().min(1).max(64);
export const filePathInput = z.object({ serverId, path: relativePathSchema });
export const fileWriteInput = z.object({ serverId, path: relativePathSchema.min(1), content: z.string().max(FILE_WRITE_JSON_LIMIT) });
export const fileRenameInput = z.object({ serverId, from: relativePathSchema.min(1), to: relativePathSchema.min(1) });
export const fileDeleteInput = z.object({ serverId, path: relativePathSchema.min(1), recursive: z.boolean().default(false) });
