import { mkdir, realpath, stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import type { AgentContext } from "../context";
import {
  FILE_WRITE_JSON_LIMIT,
  fileDeleteSchema,
  fileLocationQuerySchema,
  fileMkdirSchema,
  fileRenameSchema,
  fileWriteSchema,
  uploadCreateSchema,
  type FileScope,
} from "../contract/files";
import { HttpError } from "../http/errors";
import { devEnvironment } from "../devenv";
import { chunkStart } from "./content-range";
import { deletePath, listDir, makeDir, openForRead, readText, renamePath, statPath, writeFileContent, type FileBase } from "./operations";
import { UploadStore } from "./uploads";

export const GAME_SERVER_DIR = "/opt/zlh/game/server";
export const UPLOAD_STAGING_DIR = "/opt/zlh/agent/uploads";
const UPLOAD_TTL_MS = 24 * 3600_000;
const SWEEP_EVERY_MS = 10 * 60_000;

const flag = z
  .enum(["1", "true", "0", "false"])
  .optional()
  .transform((v) => v === "1" || v === "true");
const uploadQuerySchema = fileLocationQuerySchema.extend({ overwrite: flag, parents: flag });

function query<T extends z.ZodType>(schema: T, url: URL): z.infer<T> {
  const parsed = schema.safeParse(Object.fromEntries(url.searchParams));
  if (!parsed.success) throw new HttpError(400, "invalid query", z.treeifyError(parsed.error));
  return parsed.data;
}

/** Files API (see contract/files.ts): list, stat, read, write, mkdir, rename, delete, download, uploads. */
export async function registerFiles(ctx: AgentContext): Promise<void> {
  /** The base folder for a scope: picked here, never from the client. */
  const baseFor = async (scope: FileScope): Promise<FileBase> => {
    let dir: string;
    if (scope === "workspace") {
      dir = devEnvironment(ctx).workspace;
      await mkdir(dir, { recursive: true });
    } else {
      dir = ctx.containerPath(GAME_SERVER_DIR);
    }
    let real: string;
    try {
      real = await realpath(dir);
    } catch {
      throw new HttpError(404, scope === "game" ? "this container has no game server folder" : "the workspace does not exist");
    }
    const st = await stat(real);
    return { dir: real, owner: { uid: st.uid, gid: st.gid } };
  };

  const uploads = new UploadStore({
    dir: ctx.containerPath(UPLOAD_STAGING_DIR),
    limitBytes: ctx.config.uploadLimitBytes,
    log: ctx.log,
    baseFor,
  });
  await uploads.init();
  await uploads.sweep(UPLOAD_TTL_MS);
  const sweeper = setInterval(() => void uploads.sweep(UPLOAD_TTL_MS).catch((err: unknown) => ctx.log.warn({ err }, "upload sweep failed")), SWEEP_EVERY_MS);
  sweeper.unref();
  ctx.onShutdown(() => clearInterval(sweeper));

  const r = ctx.router;
  r.get("/files/list", async ({ url, send }) => {
    const q = query(fileLocationQuerySchema, url);
    send(200, await listDir(await baseFor(q.scope), q.path));
  });
  r.get("/files/stat", async ({ url, send }) => {
    const q = query(fileLocationQuerySchema, url);
    send(200, await statPath(await baseFor(q.scope), q.path));
  });
  r.get("/files/read", async ({ url, send }) => {
    const q = query(fileLocationQuerySchema, url);
    send(200, await readText(await baseFor(q.scope), q.path));
  });
  r.get("/files/download", async ({ url, res }) => {
    const q = query(fileLocationQuerySchema, url);
    const base = await baseFor(q.scope);
    const { rel, fh, size } = await openForRead(base, q.path);
    const name = rel.split("/").pop() ?? "download";
    res.writeHead(200, {
      "content-type": "application/octet-stream",
      "content-length": size,
      "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      "x-content-type-options": "nosniff",
    });
    // The descriptor opened above: the bytes sent are that file's, whatever happens to the path since.
    await pipeline(fh.createReadStream(), res).catch((err: unknown) => ctx.log.debug({ err }, "download interrupted"));
  });
  r.post("/files/write", async ({ json, send }) => {
    const b = await json(fileWriteSchema, FILE_WRITE_JSON_LIMIT);
    const data = Buffer.from(b.content, b.encoding);
    if (data.length > ctx.config.uploadLimitBytes) throw new HttpError(413, `file larger than ${ctx.config.uploadLimitBytes} bytes`);
    send(200, await writeFileContent(await baseFor(b.scope), b.path, data, { parents: b.parents }));
  });
  r.post("/files/mkdir", async ({ json, send }) => {
    const b = await json(fileMkdirSchema);
    send(200, await makeDir(await baseFor(b.scope), b.path, { parents: b.parents }));
  });
  r.post("/files/rename", async ({ json, send }) => {
    const b = await json(fileRenameSchema);
    send(200, await renamePath(await baseFor(b.scope), b.from, b.to, { overwrite: b.overwrite }));
  });
  r.post("/files/delete", async ({ json, send }) => {
    const b = await json(fileDeleteSchema);
    await deletePath(await baseFor(b.scope), b.path, { recursive: b.recursive });
    send(200, { ok: true });
  });

  r.put("/files/upload", async ({ url, req, send }) => {
    const q = query(uploadQuerySchema, url);
    send(200, await uploads.single(await baseFor(q.scope), q.path, req, { overwrite: q.overwrite, parents: q.parents }));
  });
  r.post("/files/uploads", async ({ json, send }) => {
    const b = await json(uploadCreateSchema);
    send(201, await uploads.create(b));
  });
  r.get("/files/uploads/:id", async ({ params, send }) => {
    send(200, await uploads.state(params.id!));
  });
  r.put("/files/uploads/:id", async ({ params, url, req, send }) => {
    const state = await uploads.state(params.id!);
    const len = req.headers["content-length"] !== undefined ? Number(req.headers["content-length"]) : undefined;
    const start = chunkStart(req.headers["content-range"], url.searchParams.get("offset"), len, state.size);
    send(200, await uploads.chunk(params.id!, start, req));
  });
  r.delete("/files/uploads/:id", async ({ params, send }) => {
    await uploads.remove(params.id!);
    send(200, { ok: true });
  });
}

