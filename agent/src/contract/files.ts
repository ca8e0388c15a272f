import { z } from "zod";
import { sha256Schema } from "./catalog";

/**
 * Files API. Every path is relative to a base folder the agent picks from `scope` (never from the
 * client): "workspace" = /home/dev/workspace (dev containers), "game" = /opt/zlh/game/server (game
 * containers). Refused with 400: absolute paths, `..` segments, NUL bytes, over-long names; with 403:
 * paths that lead outside the base through a symlink.
 *
 * Routes (all require the bearer token):
 *   GET  /files/list?scope&path          -> FileListing
 *   GET  /files/stat?scope&path          -> FileEntry
 *   GET  /files/read?scope&path          -> FileContent (at most FILE_READ_LIMIT bytes; larger: download)
 *   GET  /files/download?scope&path      -> the raw bytes (attachment)
 *   POST /files/write   FileWrite        -> FileEntry (atomic: temp file + rename)
 *   POST /files/mkdir   FileMkdir        -> FileEntry
 *   POST /files/rename  FileRename       -> FileEntry
 *   POST /files/delete  FileDelete       -> { ok: true }
 *   PUT  /files/upload?scope&path[&overwrite=1]   raw body, streamed -> FileEntry (413 past the limit)
 *   POST /files/uploads UploadCreate     -> UploadState       (resumable, chunked)
 *   PUT  /files/uploads/:id  raw chunk, `Content-Range: bytes S-E/T` or `?offset=S` -> UploadState
 *   GET  /files/uploads/:id              -> UploadState (resume from `offset`)
 *   DELETE /files/uploads/:id            -> { ok: true }
 * A chunk must start at the current offset (409 with the current state otherwise). When the last
 * byte arrives the file is checked (size, sha256 when given) and renamed into place atomically.
 */
export const fileScopes = ["workspace", "game"] as const;
export const fileScopeSchema = z.enum(fileScopes);
export type FileScope = z.infer<typeof fileScopeSchema>;

/** A path relative to the scope's base; "" is the base itself. Checked in depth by the agent. */
export const relativePathSchema = z.string().max(4096);

export const FILE_READ_LIMIT = 1024 * 1024;
export const FILE_WRITE_JSON_LIMIT = 8 * 1024 * 1024;

export const fileTypeSchema = z.enum(["file", "dir", "symlink", "other"]);
export const fileEntrySchema = z.object({
  name: z.string(),
  /** Relative to the scope's base. */
  path: z.string(),
  type: fileTypeSchema,
  size: z.number().int().nonnegative(),
  mtime: z.iso.datetime(),
  /** Permission bits, e.g. 420 (0644). */
  mode: z.number().int(),
});
export type FileEntry = z.infer<typeof fileEntrySchema>;

export const fileLocationQuerySchema = z.object({
  scope: fileScopeSchema.default("workspace"),
  path: relativePathSchema.default(""),
});

export const fileListingSchema = z.object({
  path: z.string(),
  entries: z.array(fileEntrySchema),
  /** true when the folder held more entries than were returned. */
  truncated: z.boolean(),
});
export type FileListing = z.infer<typeof fileListingSchema>;

export const fileContentSchema = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  encoding: z.enum(["utf8", "base64"]),
  content: z.string(),
});
export type FileContent = z.infer<typeof fileContentSchema>;

export const fileWriteSchema = z
  .object({
    scope: fileScopeSchema.default("workspace"),
    path: relativePathSchema.min(1),
    content: z.string(),
    encoding: z.enum(["utf8", "base64"]).default("utf8"),
    /** Create missing parent folders. */
    parents: z.boolean().default(false),
  })
  .strict();
export type FileWrite = z.infer<typeof fileWriteSchema>;

export const fileMkdirSchema = z
  .object({ scope: fileScopeSchema.default("workspace"), path: relativePathSchema.min(1), parents: z.boolean().default(false) })
  .strict();
export const fileRenameSchema = z
  .object({
    scope: fileScopeSchema.default("workspace"),
    from: relativePathSchema.min(1),
    to: relativePathSchema.min(1),
    overwrite: z.boolean().default(false),
  })
  .strict();
export const fileDeleteSchema = z
  .object({ scope: fileScopeSchema.default("workspace"), path: relativePathSchema.min(1), recursive: z.boolean().default(false) })
  .strict();

export const uploadIdSchema = z.string().regex(/^[0-9a-f]{32}$/);
export const uploadCreateSchema = z
  .object({
    scope: fileScopeSchema.default("workspace"),
    path: relativePathSchema.min(1),
    size: z.number().int().nonnegative(),
    sha256: sha256Schema.optional(),
    overwrite: z.boolean().default(false),
  })
  .strict();
export type UploadCreate = z.infer<typeof uploadCreateSchema>;

export const uploadStateSchema = z.object({
  uploadId: uploadIdSchema,
  scope: fileScopeSchema,
  path: z.string(),
  size: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  complete: z.boolean(),
});
export type UploadState = z.infer<typeof uploadStateSchema>;
