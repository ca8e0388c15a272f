import path from "node:path";
import { HttpError } from "../http/errors";

const MAX_PATH_BYTES = 4096;
const MAX_NAME_BYTES = 255;

/**
 * Checks a client path that must stay inside a base folder, without touching the disk: refuses NUL
 * bytes, absolute paths, `..` segments and over-long names (400). Returns the normalized relative
 * path ("" for the base itself). Symlinks are refused by the descriptor walk (fd-walk.ts).
 */
export function normalizeRelativePath(input: string): string {
  if (input.includes("\0")) throw new HttpError(400, "path contains a NUL byte");
  if (Buffer.byteLength(input) > MAX_PATH_BYTES) throw new HttpError(400, `path longer than ${MAX_PATH_BYTES} bytes`);
  if (input.startsWith("/")) throw new HttpError(400, "absolute paths are not allowed: paths are relative to the folder");
  const segments: string[] = [];
  for (const seg of input.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") throw new HttpError(400, "'..' is not allowed in paths");
    if (Buffer.byteLength(seg) > MAX_NAME_BYTES) throw new HttpError(400, `a name is longer than ${MAX_NAME_BYTES} bytes`);
    segments.push(seg);
  }
  return segments.join("/");
}

/** Whether `candidate` (absolute, resolved) is `base` or below it. */
export function isInside(base: string, candidate: string): boolean {
  const rel = path.relative(base, candidate);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
