import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_RESPONSE_BYTES, agentFetch } from "./transport";

/**
 * Regression (#16): the portal read agent answers whole, so a tampered agent could answer with
 * gigabytes and exhaust the portal's memory. A real HTTP server plays the tampered agent.
 */
const MiB = 1024 * 1024;
let server: http.Server;
let url: string;
const sent = { bytes: 0, finished: false };

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === "/declared") {
      res.writeHead(200, { "content-length": String(64 * MiB) });
      res.write(Buffer.alloc(MiB));
      return;
    }
    // Chunked (no Content-Length), 32 MiB unless the reader goes away first.
    sent.bytes = 0;
    sent.finished = false;
    res.writeHead(200, { "content-type": "application/json" });
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const pump = () => {
      while (sent.bytes < 32 * MiB) {
        if (res.destroyed) return;
        sent.bytes += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      sent.finished = true;
      res.end();
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

describe("bounded agent responses", () => {
  it("cuts a chunked answer off at the limit instead of reading it whole", async () => {
    const r = await agentFetch(url, "/chunked", { maxResponseBytes: 2 * MiB });
    await expect(r.text()).rejects.toThrow(/larger than 2097152 bytes/);
    expect(sent.finished).toBe(false);
    expect(sent.bytes).toBeLessThan(16 * MiB);
  });

  it("refuses a declared length over the limit before reading it, and has a default limit", async () => {
    await expect(agentFetch(url, "/declared")).rejects.toThrow(`larger than ${DEFAULT_MAX_RESPONSE_BYTES} bytes`);
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBeLessThanOrEqual(16 * MiB);
  });

  it("lets a caller that streams opt out explicitly", async () => {
    const r = await agentFetch(url, "/chunked", { maxResponseBytes: Infinity });
    expect((await r.arrayBuffer()).byteLength).toBe(32 * MiB);
  });
});
