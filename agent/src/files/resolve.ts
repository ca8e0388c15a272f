import { lstat, realpath } from "node:fs/promises";
import type { Stats } from "node:fs";
import path from "node:path";
import { HttpError } from "../http/errors";
import { isInside, normalizeRelativePath } from "./path-guard";

export type ResolvedPath = {
  /** Normalized, relative to the base ("" = the base). */
  rel: string;
  /** base + rel: the entry itself (a symlink stays a symlink). */
  abs: string;
  /** Where operations that follow links act: the symlink's target when `follow`, else `abs`. */
  target: string;
  /** lstat of `abs`, when it exists. */
  lstat?: Stats;
};

const escape = () => new HttpError(403, "path leads outside the folder through a symlink");

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw err;
  }
}

/**
 * Resolves a client path under `base` (itself a realpath) and checks it on disk: the nearest
 * existing ancestor must resolve inside the base, and with `follow` a final symlink must too
 * (a dangling one is refused: writing through it could create a file anywhere). Without `follow`
 * (rename, delete) the final symlink itself is the subject and may point anywhere.
 */
export async function resolveInside(base: string, input: string, opts: { follow: boolean }): Promise<ResolvedPath> {
  const rel = normalizeRelativePath(input);
  const abs = rel ? path.join(base, rel) : base;
  // The parent chain: realpath of the deepest existing ancestor must stay inside.
  let ancestor = path.dirname(abs);
  if (abs === base) ancestor = base;
  for (;;) {
    try {
      const real = await realpath(ancestor);
      if (!isInside(base, real)) throw escape();
      break;
    } catch (err) {
      if (err instanceof HttpError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
      if (ancestor === base) throw new HttpError(404, "the folder does not exist");
      const up = path.dirname(ancestor);
      // A dangling symlink among the ancestors is refused (mkdir -p would follow it).
      const st = await lstatOrUndefined(ancestor);
      if (st?.isSymbolicLink()) throw escape();
      ancestor = up;
    }
  }
  const st = await lstatOrUndefined(abs);
  let target = abs;
  if (st?.isSymbolicLink() && opts.follow) {
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      throw escape();
    }
    if (!isInside(base, real)) throw escape();
    target = real;
  }
  return { rel, abs, target, ...(st ? { lstat: st } : {}) };
}
