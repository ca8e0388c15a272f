import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import type { AgentContext } from "../context";
import { logSourceSchema, logTailQuerySchema, type LogSource, type LogTail } from "../contract/logs";
import { GAME_RUN_DIR } from "../game";
import { LOG_FILE as CODE_SERVER_LOG_FILE } from "../codeserver/manager";
import { HttpError } from "../http/errors";
import { tailLines } from "./tail";

/**
 * GET /logs/:source (tail) and GET /logs/:source/download (see contract/logs.ts). Paths are fixed
 * per source, never from the request. A tail reads at most TAIL_WINDOW bytes from the end, so a
 * huge log costs the same as a small one.
 */
const TAIL_WINDOW = 512 * 1024;

export function registerLogs(ctx: AgentContext): void {
  const files: Record<LogSource, string> = {
    game: ctx.containerPath(`${GAME_RUN_DIR}/game.log`),
    "code-server": ctx.containerPath(CODE_SERVER_LOG_FILE),
  };
  const sourceOf = (raw: string | undefined): LogSource => {
    const s = logSourceSchema.safeParse(raw);
    if (!s.success) throw new HttpError(404, "no such log");
    return s.data;
  };

  ctx.router.get("/logs/:source", async ({ params, url, send }) => {
    const source = sourceOf(params.source);
    const q = logTailQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!q.success) throw new HttpError(400, "tail must be a whole number from 1 to 2000");
    const size = await stat(files[source]).then((s) => s.size, () => null);
    if (size === null) return send(200, { source, exists: false, sizeBytes: 0, lines: [], truncated: false } satisfies LogTail);
    const fh = await open(files[source], "r");
    try {
      const len = Math.min(size, TAIL_WINDOW);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await fh.read(buf, 0, len, size - len);
      send(200, { source, exists: true, sizeBytes: size, ...tailLines(buf.subarray(0, bytesRead), size, q.data.tail) } satisfies LogTail);
    } finally {
      await fh.close();
    }
  });

  ctx.router.get("/logs/:source/download", async ({ params, res }) => {
    const source = sourceOf(params.source);
    const size = await stat(files[source]).then((s) => s.size, () => null);
    if (size === null) throw new HttpError(404, "this log does not exist yet");
    // The file as long as it was when asked: a log that keeps growing still ends.
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": size });
    if (size === 0) return void res.end();
    const stream = createReadStream(files[source], { start: 0, end: size - 1 });
    await new Promise<void>((resolve) => {
      stream.on("error", () => (res.destroy(), resolve()));
      res.on("close", () => (stream.destroy(), resolve()));
      stream.pipe(res);
    });
  });
}
