import { createHash, randomBytes } from "node:crypto";
import { symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCatalogSignature } from "../../../agent/src/contract/catalog-signature";
import type { ArtifactEntry } from "../../../agent/src/contract/catalog";
import { createArtifactsRoute } from "./http-route";
import { openStore, publishFile, type Store } from "./store";

/** The real route handler on a plain loopback HTTP server, as the custom server mounts it. */
let tmp: string;
let store: Store;
let server: http.Server;
let base: string;
let big: ArtifactEntry;
let bigBytes: Buffer;
let small: ArtifactEntry;

type Res = { status: number; headers: http.IncomingHttpHeaders; body: Buffer };

function request(urlPath: string, headers: Record<string, string> = {}, method = "GET"): Promise<Res> {
  return new Promise((resolve, reject) => {
    // Options with a raw `path`: a URL string would have `..` normalized away before it is sent.
    const { hostname, port } = new URL(base);
    const req = http.request({ hostname, port, path: urlPath, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** Starts a download and hangs up after at least `bytes` have arrived, like a dropped connection. */
function interruptedDownload(urlPath: string, bytes: number): Promise<{ got: Buffer; etag: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${urlPath}`, (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      res.on("data", (c: Buffer) => {
        chunks.push(c);
        n += c.length;
        if (n >= bytes) {
          req.destroy();
          resolve({ got: Buffer.concat(chunks), etag: String(res.headers.etag) });
        }
      });
      res.on("error", () => {});
    });
    req.on("error", (err) => (req.destroyed ? undefined : reject(err)));
  });
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "zlh-route-test-"));
  store = await openStore(path.join(tmp, "data"));
  bigBytes = randomBytes(4 << 20);
  writeFileSync(path.join(tmp, "big-1.0.0.tar.gz"), bigBytes);
  big = (await publishFile(store, path.join(tmp, "big-1.0.0.tar.gz"), { kind: "runtime", name: "big", version: "1.0.0" }, ["stable"])).entry;
  writeFileSync(path.join(tmp, "small-1.0.0.tar.gz"), "small artifact");
  small = (await publishFile(store, path.join(tmp, "small-1.0.0.tar.gz"), { kind: "game", name: "small", version: "1.0.0" }, ["stable"])).entry;
  const route = createArtifactsRoute({ storeDir: () => store.dir });
  server = http.createServer(async (req, res) => {
    if (!(await route(req, res))) res.writeHead(418).end("not mine");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(tmp, { recursive: true, force: true });
});

describe("GET /artifacts/catalog.json", () => {
  it("serves the signed catalog with a hash ETag and no-cache", async () => {
    const cat = await request("/artifacts/catalog.json");
    expect(cat.status).toBe(200);
    expect(cat.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(cat.headers["cache-control"]).toBe("no-cache");
    expect(cat.headers.etag).toBe(`"sha256-${sha256(cat.body)}"`);
    const sig = await request("/artifacts/catalog.json.sig");
    expect(sig.headers["cache-control"]).toBe("no-cache");
    expect(verifyCatalogSignature(cat.body, sig.body.toString(), store.publicKey)).toBe(true);
    const again = await request("/artifacts/catalog.json", { "if-none-match": cat.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });
});

describe("GET /artifacts/<kind>/<name>/<version>/<file>", () => {
  it("serves bytes matching the catalog, a sha256 ETag and immutable caching", async () => {
    const r = await request(`/artifacts/${big.url}`);
    expect(r.status).toBe(200);
    expect(sha256(r.body)).toBe(big.sha256);
    expect(r.headers.etag).toBe(`"sha256-${big.sha256}"`);
    expect(r.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(r.headers["accept-ranges"]).toBe("bytes");
    expect(r.headers["content-length"]).toBe(String(big.size));
    expect(r.headers["content-type"]).toBe("application/gzip");
  });

  it("answers HEAD with headers only and 304 on a matching If-None-Match", async () => {
    const head = await request(`/artifacts/${big.url}`, {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe(String(big.size));
    expect(head.body.length).toBe(0);
    const cached = await request(`/artifacts/${big.url}`, { "if-none-match": `"sha256-${big.sha256}"` });
    expect(cached.status).toBe(304);
  });

  it("resumes an interrupted download with a range request", async () => {
    const first = await interruptedDownload(`/artifacts/${big.url}`, 1 << 20);
    expect(first.got.length).toBeLessThan(big.size);
    const rest = await request(`/artifacts/${big.url}`, { range: `bytes=${first.got.length}-`, "if-range": first.etag });
    expect(rest.status).toBe(206);
    expect(rest.headers["content-range"]).toBe(`bytes ${first.got.length}-${big.size - 1}/${big.size}`);
    expect(sha256(Buffer.concat([first.got, rest.body]))).toBe(big.sha256);
  });

  it("serves suffix ranges, 416 past the end, and the whole file when If-Range is stale", async () => {
    const tail = await request(`/artifacts/${big.url}`, { range: "bytes=-100" });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(bigBytes.subarray(-100))).toBe(true);
    const past = await request(`/artifacts/${big.url}`, { range: `bytes=${big.size}-` });
    expect(past.status).toBe(416);
    expect(past.headers["content-range"]).toBe(`bytes */${big.size}`);
    const stale = await request(`/artifacts/${big.url}`, { range: "bytes=0-99", "if-range": '"sha256-old"' });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(big.size);
  });

  it("serves a tampered file under its real hash, which no longer matches the catalog", async () => {
    const file = path.join(store.dir, small.url);
    writeFileSync(file, "SMALL ARTIFACT");
    const r = await request(`/artifacts/${small.url}`);
    expect(r.status).toBe(200);
    expect(sha256(r.body)).not.toBe(small.sha256);
    expect(r.headers.etag).toBe(`"sha256-${sha256(r.body)}"`);
    writeFileSync(file, "small artifact");
  });
});

describe("path guard", () => {
  it.each([
    "/artifacts/../artifacts-signing.pem",
    "/artifacts/%2e%2e/artifacts-signing.pem",
    "/artifacts/runtime/big/1.0.0/..%2f..%2f..%2f..%2fartifacts-signing.pem",
    "/artifacts/.catalog.lock",
    "/artifacts/.incoming/x",
    "/artifacts/runtime/big/1.0.0/missing.tar.gz",
    "/artifacts/",
  ])("404 for %s", async (p) => {
    const r = await request(p);
    expect(r.status).toBe(404);
  });

  it("does not follow a symlink out of the store", async () => {
    const dir = path.join(store.dir, "runtime", "big", "1.0.0");
    symlinkSync(path.join(store.dataDir, "artifacts-signing.pem"), path.join(dir, "key.pem"));
    expect((await request("/artifacts/runtime/big/1.0.0/key.pem")).status).toBe(404);
  });

  it("answers only GET and HEAD, and leaves other paths to the next handler", async () => {
    const post = await request(`/artifacts/${big.url}`, {}, "POST");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD");
    expect((await request("/api/health")).status).toBe(418);
    expect((await request("/artifactsx/catalog.json")).status).toBe(418);
    const bare = await request("/artifacts");
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe("/artifacts/");
  });
});
