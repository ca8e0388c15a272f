import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pickCompressor, type Compressor } from "./compressor";
import { ManifestBuilder } from "./manifest-builder";

export type ArchiveResult = { sha256: string; size: number; builder: ManifestBuilder; compressor: Compressor["name"] };

function collectStderr(child: ChildProcess): () => string {
  let err = "";
  child.stderr?.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
  return () => err.trim();
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("close", (code) => resolve(code));
    child.once("error", () => resolve(-1));
  });

/**
 * Writes a tar.gz of `dir` to `out`: the system tar reads the files (GNU format, numeric owners),
 * the agent hashes every member's data on the way to the compressor (pigz, else gzip: see
 * compressor.ts; both child processes, so reading, hashing and compressing run at once), and
 * hashes and counts the compressed bytes on the
 * way out. Resolves once `out` has taken the last byte; rejects (killing both children) on any
 * failure, abort or a non-zero exit.
 */
export async function writeArchive(dir: string, out: Writable, opts: { signal: AbortSignal; onRawBytes?: (n: number) => void; excludes?: string[] }): Promise<ArchiveResult> {
  const excludes = (opts.excludes ?? []).map((n) => `--exclude=./${n}`);
  const tar = spawn("tar", ["-c", "-f", "-", "--format=gnu", "--numeric-owner", "--sort=name", "--anchored", ...excludes, "-C", dir, "."], { stdio: ["ignore", "pipe", "pipe"] });
  const compressor = pickCompressor();
  const gzip = spawn(compressor.name, compressor.args, { stdio: ["pipe", "pipe", "pipe"] });
  const tarErr = collectStderr(tar);
  const gzipErr = collectStderr(gzip);
  const tarExit = exitOf(tar);
  const gzipExit = exitOf(gzip);
  const builder = new ManifestBuilder();
  const hash = createHash("sha256");
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      try {
        builder.push(chunk);
      } catch (err) {
        return cb(err as Error);
      }
      opts.onRawBytes?.(builder.rawBytes);
      cb(null, chunk);
    },
    flush(cb) {
      try {
        builder.end();
      } catch (err) {
        return cb(err as Error);
      }
      cb();
    },
  });
  const count = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await Promise.all([
      pipeline(tar.stdout!, tap, gzip.stdin!, { signal: opts.signal }),
      pipeline(gzip.stdout!, count, out, { signal: opts.signal }),
    ]);
    const [tc, gc] = await Promise.all([tarExit, gzipExit]);
    if (tc !== 0) throw new Error(`tar exited with ${tc}: ${tarErr()}`);
    if (gc !== 0) throw new Error(`${compressor.name} exited with ${gc}: ${gzipErr()}`);
  } catch (err) {
    for (const c of [tar, gzip]) if (c.exitCode === null) c.kill("SIGKILL");
    await Promise.all([tarExit, gzipExit]);
    const detail = tarErr() || gzipErr();
    throw detail && !(err as Error).message.includes(detail) ? new Error(`${(err as Error).message} (${detail})`) : err;
  }
  return { sha256: hash.digest("hex"), size, builder, compressor: compressor.name };
}
