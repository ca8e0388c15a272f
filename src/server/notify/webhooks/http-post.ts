import http from "node:http";
import https from "node:https";
import { guardedLookup } from "./safe-lookup";

/**
 * One POST to a webhook URL: JSON body, extra headers, a hard timeout, no redirects followed (a
 * redirect could point inside), the response body drained and ignored. With `guard` the socket
 * only connects to public addresses.
 */
export async function postJson(url: URL, body: string, headers: Record<string, string>, opts: { guard: boolean; timeoutMs?: number }): Promise<number> {
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "ZeroLagHub-Webhooks/1", ...headers },
        timeout: opts.timeoutMs ?? 10_000,
        ...(opts.guard ? { lookup: guardedLookup as never } : {}),
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
