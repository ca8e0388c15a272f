import { HttpError } from "../http/errors";

/**
 * Where a chunk starts: `Content-Range: bytes S-E/T` (E and T checked against the body length and the
 * upload's size) or, failing that, an `offset` query parameter.
 */
export function chunkStart(contentRange: string | undefined, offsetParam: string | null, contentLength: number | undefined, size: number): number {
  if (contentRange !== undefined) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange.trim());
    if (!m) throw new HttpError(400, "Content-Range must look like 'bytes START-END/TOTAL'");
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (end < start) throw new HttpError(400, "Content-Range ends before it starts");
    if (m[3] !== "*" && Number(m[3]) !== size) throw new HttpError(400, `Content-Range total ${m[3]} differs from the upload size ${size}`);
    if (end >= size) throw new HttpError(413, `Content-Range runs past the upload size ${size}`);
    if (contentLength !== undefined && contentLength !== end - start + 1) throw new HttpError(400, "Content-Range length differs from Content-Length");
    return start;
  }
  if (offsetParam !== null) {
    if (!/^\d+$/.test(offsetParam)) throw new HttpError(400, "offset must be a non-negative integer");
    return Number(offsetParam);
  }
  throw new HttpError(400, "a chunk needs Content-Range or ?offset=");
}
