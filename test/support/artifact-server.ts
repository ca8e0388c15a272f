import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import {
  catalogSchema,
  generateCatalogKeyPair,
  signCatalog,
  type ArtifactEntry,
  type Catalog,
} from "../../agent/src/contract";

/**
 * A real HTTP artifact server for tests: serves a folder (catalog.json, catalog.json.sig, tarballs)
 * on loopback. `intercept` lets a test break a response (truncate, stall) to exercise failure paths.
 */
export type TestArtifactServer = {
  url: string;
  dir: string;
  publicKey: string;
  /** Packs `srcDir` with the system tar into a .tar.gz, hashes it and adds its catalog entry. */
  publishDir(srcDir: string, entry: PublishEntry): Promise<ArtifactEntry>;
  /** Adds an already-built tarball (e.g. a hostile one) with its real hash and size. */
  publishFile(file: string, entry: PublishEntry): Promise<ArtifactEntry>;
  /** Rewrites catalog.json (validated) and its signature. */
  writeCatalog(cat: Catalog): void;
  catalog(): Catalog;
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  requests: string[];
  close(): Promise<void>;
};

export type PublishEntry = Omit<ArtifactEntry, "url" | "sha256" | "size" | "os" | "arch" | "bin"> &
  Partial<Pick<ArtifactEntry, "os" | "arch" | "bin">> & { channels?: ("stable" | "beta")[] };

export async function startTestArtifactServer(): Promise<TestArtifactServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "zlh-artifacts-"));
  const keys = generateCatalogKeyPair();
  let current: Catalog = { schemaVersion: 1, generatedAt: new Date().toISOString(), artifacts: [], channels: {} };

  const writeCatalog = (cat: Catalog) => {
    const parsed = catalogSchema.parse(cat);
    current = parsed;
    const bytes = Buffer.from(JSON.stringify(parsed, null, 2));
    writeFileSync(path.join(dir, "catalog.json"), bytes);
    writeFileSync(path.join(dir, "catalog.json.sig"), signCatalog(bytes, keys.privateKeyPem));
  };
  writeCatalog(current);

  const self: TestArtifactServer = {
    url: "",
    dir,
    publicKey: keys.publicKey,
    requests: [],
    writeCatalog,
    catalog: () => structuredClone(current),
    async publishFile(file, entry) {
      const rel = path.posix.join(entry.kind, entry.name, entry.version, path.basename(file));
      const dest = path.join(dir, rel);
      mkdirSync(path.dirname(dest), { recursive: true });
      writeFileSync(dest, readFileSync(file));
      const bytes = readFileSync(dest);
      const { channels = ["stable"], ...rest } = entry;
      const full: ArtifactEntry = {
        os: "linux",
        arch: "x64",
        bin: [],
        ...rest,
        url: rel,
        sha256: createHash("sha256").update(bytes).digest("hex"),
        size: bytes.length,
      };
      const cat = self.catalog();
      cat.artifacts = cat.artifacts.filter((a) => !(a.name === full.name && a.version === full.version));
      cat.artifacts.push(full);
      for (const ch of channels) {
        const stacks = (cat.channels[full.name] ??= {});
        const stack = (stacks[ch] ??= []);
        if (stack.at(-1) !== full.version) stack.push(full.version);
      }
      cat.generatedAt = new Date().toISOString();
      writeCatalog(cat);
      return full;
    },
    async publishDir(srcDir, entry) {
      const tmp = await mkdtemp(path.join(os.tmpdir(), "zlh-pack-"));
      const file = path.join(tmp, `${entry.name}-${entry.version}.tar.gz`);
      execFileSync("tar", ["-czf", file, "-C", srcDir, "."]);
      try {
        return await self.publishFile(file, entry);
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
    },
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await rm(dir, { recursive: true, force: true });
    },
  };

  const server = http.createServer((req, res) => {
    self.requests.push(`${req.method} ${req.url}`);
    if (self.intercept?.(req, res)) return;
    const rel = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname).replace(/^\/+/, "");
    const file = path.resolve(dir, rel);
    if (!file.startsWith(dir + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end("not found");
      return;
    }
    const size = statSync(file).size;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
      if (start > end) {
        res.writeHead(416, { "content-range": `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, { "content-length": end - start + 1, "content-range": `bytes ${start}-${end}/${size}` });
      createReadStream(file, { start, end }).pipe(res);
      return;
    }
    res.writeHead(200, { "content-length": size, "accept-ranges": "bytes" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return self;
}
