import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createArtifactsRoute } from "./http-route";
import { artifactUrl, artifactsBaseUrl, getCatalogPublicKey, loadCatalog } from "./index";
import { CATALOG_FILE, openStore, publishFile, type Store } from "./store";

let tmp: string;
let store: Store;
let server: http.Server;
let port: number;
const saved = { ...process.env };

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "zlh-artifacts-index-"));
  store = await openStore(path.join(tmp, "data"));
  writeFileSync(path.join(tmp, "demo-1.0.0.tar.gz"), "demo");
  await publishFile(store, path.join(tmp, "demo-1.0.0.tar.gz"), { kind: "runtime", name: "demo", version: "1.0.0" }, ["stable"]);
  // The same store under two prefixes: two base URLs, so the second test gets no cached copy.
  const routes = ["/artifacts/", "/mirror/"].map((prefix) => createArtifactsRoute({ storeDir: () => store.dir, prefix }));
  server = http.createServer(async (req, res) => {
    for (const route of routes) if (await route(req, res)) return;
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterEach(() => {
  process.env = { ...saved };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(tmp, { recursive: true, force: true });
});

function useEnv(vars: Record<string, string | undefined>): void {
  for (const k of ["ZLH_ARTIFACTS_URL", "ZLH_ARTIFACTS_PUBLIC_KEY", "ZLH_ARTIFACTS_SIGNING_KEY", "PORT"]) delete process.env[k];
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) process.env[k] = v;
}

describe("artifactsBaseUrl", () => {
  it("is this portal's /artifacts/ unless ZLH_ARTIFACTS_URL points elsewhere", () => {
    useEnv({ PORT: "4321" });
    expect(artifactsBaseUrl()).toBe("http://127.0.0.1:4321/artifacts/");
    useEnv({ ZLH_ARTIFACTS_URL: "https://artifacts.example.com/zlh" });
    expect(artifactsBaseUrl()).toBe("https://artifacts.example.com/zlh/");
    expect(artifactUrl({ url: "runtime/node/1.0.0/n.tar.gz" })).toBe("https://artifacts.example.com/zlh/runtime/node/1.0.0/n.tar.gz");
    expect(artifactUrl({ url: "https://cdn.example.com/x.tar.gz" })).toBe("https://cdn.example.com/x.tar.gz");
  });
});

describe("loadCatalog", () => {
  it("reads the local store", async () => {
    useEnv({ ZLH_DATA_DIR: store.dataDir });
    expect((await loadCatalog()).artifacts.map((a) => a.name)).toEqual(["demo"]);
    expect(getCatalogPublicKey()).toBe(store.publicKey);
  });

  it("fetches a remote store and checks its signature", async () => {
    useEnv({ ZLH_ARTIFACTS_URL: `http://127.0.0.1:${port}/artifacts/`, ZLH_ARTIFACTS_PUBLIC_KEY: store.publicKey, ZLH_DATA_DIR: path.join(tmp, "other") });
    expect((await loadCatalog()).channels).toEqual({ demo: { stable: ["1.0.0"] } });
  });

  it("refuses a remote catalog that does not match its signature", async () => {
    const catFile = path.join(store.dir, CATALOG_FILE);
    const original = readFileSync(catFile, "utf8");
    writeFileSync(catFile, original.replace('"name": "demo"', '"name": "demx"'));
    try {
      useEnv({ ZLH_ARTIFACTS_URL: `http://127.0.0.1:${port}/mirror/`, ZLH_ARTIFACTS_PUBLIC_KEY: store.publicKey });
      await expect(loadCatalog()).rejects.toThrow(/does not match its signature/);
    } finally {
      writeFileSync(catFile, original);
    }
  });
});
