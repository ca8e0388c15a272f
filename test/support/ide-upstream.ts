import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

/**
 * A real upstream standing in for code-server in hosted-IDE tests and the proxy benchmark, on
 * loopback: HTTP routes that echo, size, stream and hang, plus a WebSocket echo on every path.
 *   GET /echo         JSON {method, url, rawHeaders, body}
 *   GET /bytes/<n>    n bytes (cached buffers)
 *   GET /stream       "first\n", then "second\n" once `releaseStream()` is called
 *   GET /hold         never answers; `holds` counts them, `closedHolds` those whose client went away
 */
export type IdeUpstream = {
  url: string;
  port: number;
  requests: number;
  upgrades: { url: string; rawHeaders: string[] }[];
  holds: number;
  closedHolds: number;
  releaseStream(): void;
  close(): Promise<void>;
};

export async function startIdeUpstream(): Promise<IdeUpstream> {
  const sizes = new Map<number, Buffer>();
  let release: (() => void) | null = null;
  const state = { requests: 0, holds: 0, closedHolds: 0, upgrades: [] as IdeUpstream["upgrades"] };

  const server = http.createServer((req, res) => {
    state.requests++;
    const url = req.url ?? "/";
    if (url.startsWith("/bytes/")) {
      const n = Math.min(Number(url.slice(7)) || 0, 16 << 20);
      let body = sizes.get(n);
      if (!body) sizes.set(n, (body = Buffer.alloc(n, 97)));
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": n });
      res.end(body);
      return;
    }
    if (url === "/stream") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first\n");
      release = () => res.end("second\n");
      return;
    }
    if (url === "/hold") {
      state.holds++;
      res.on("close", () => {
        if (!res.writableFinished) state.closedHolds++;
      });
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      res.writeHead(200, { "content-type": "application/json", "set-cookie": "upstream=1; Path=/" });
      res.end(JSON.stringify({ method: req.method, url, rawHeaders: req.rawHeaders, body }));
    });
  });
  server.keepAliveTimeout = 60_000;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on("upgrade", (req: IncomingMessage, socket, head) => {
    state.upgrades.push({ url: req.url ?? "/", rawHeaders: req.rawHeaders });
    if (req.url === "/refuse") {
      socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get requests() {
      return state.requests;
    },
    get upgrades() {
      return state.upgrades;
    },
    get holds() {
      return state.holds;
    },
    get closedHolds() {
      return state.closedHolds;
    },
    releaseStream() {
      release?.();
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
