import http from "node:http";
import { HttpError } from "../http/errors";

/**
 * GET over a Unix socket (the artifact server as a container without a route to it sees it), with
 * the same errors and size bound as the fetch path: 502 when unreachable, not ok, or too large.
 */
export function getViaSocket(url: string, limit: number, socketPath: string, timeoutMs: number): Promise<Buffer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path: `${u.pathname}${u.search}`, headers: { host: u.host }, agent: false, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return reject(new HttpError(502, `artifact server answered ${res.statusCode} for ${u.pathname}`));
      }
      if (Number(res.headers["content-length"] ?? 0) > limit) {
        res.destroy();
        return reject(new HttpError(502, `${u.pathname} is too large`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > limit) {
          res.destroy();
          reject(new HttpError(502, `${u.pathname} is too large`));
        } else chunks.push(c);
      });
      res.on("end", () => resolve(Buffer.concat(chunks)));
      res.on("error", (err) => reject(new HttpError(502, `artifact server unreachable: ${err.message}`)));
    });
    req.on("error", (err) => reject(new HttpError(502, `artifact server unreachable: ${err.message}`)));
  });
}
