import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP receiver for webhook tests: records every call (headers, exact body bytes) and
 * answers `failFirst` calls with 500 before answering 204.
 */
export type ReceivedCall = { headers: http.IncomingHttpHeaders; body: string; status: number; at: number };
export type WebhookReceiver = { url: string; calls: ReceivedCall[]; stop: () => Promise<void> };

export async function startWebhookReceiver(opts: { failFirst?: number } = {}): Promise<WebhookReceiver> {
  const calls: ReceivedCall[] = [];
  let failuresLeft = opts.failFirst ?? 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = failuresLeft > 0 ? 500 : 204;
      if (failuresLeft > 0) failuresLeft -= 1;
      calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status, at: Date.now() });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    calls,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
