import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream, existsSync, readFileSync, lstatSync, chmodSync, lchownSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { catalogSchema, type ArtifactEntry } from "../../../../agent/src/contract/catalog";
import { verifyCatalogSignature } from "../../../../agent/src/contract/catalog-signature";
import { absoluteArtifactUrl, resolveEntry } from "../../../../agent/src/artifacts/resolve";
import { logger } from "../../log/logger";
import { ID_SHIFT } from "./lxc-config";
import { TEMPLATE_NAME, templateVersion } from "./lxc-template-id";

/**
 * The shared lower layer of every container's overlay root: the `template` artifact for this
 * portal's Node (its native modules are built for that ABI), taken from the artifact store once per
 * version, its sha256 checked before anything is unpacked, unpacked with its owners and shifted into
 * the containers' id range (0 -> 100000), then never written again.
 */
const log = logger.child({ module: "provider.lxc.template" });

export type TemplateSource = { artifactsUrl: string; publicKey?: string };
export type UnpackedTemplate = { version: string; sha256: string; lowerDir: string };

const CATALOG_LIMIT = 8 * 1024 * 1024;

async function fetchBytes(url: string, limit: number): Promise<Buffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok) {
    await res.body?.cancel();
    throw new Error(`artifact store answered ${res.status} for ${url}`);
  }
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > limit) throw new Error(`${url} is too large`);
  return buf;
}

export async function resolveTemplate(src: TemplateSource, version = templateVersion()): Promise<ArtifactEntry & { absoluteUrl: string }> {
  const base = src.artifactsUrl.endsWith("/") ? src.artifactsUrl : `${src.artifactsUrl}/`;
  const catalogUrl = new URL("catalog.json", base).href;
  const bytes = await fetchBytes(catalogUrl, CATALOG_LIMIT);
  if (src.publicKey) {
    const sig = await fetchBytes(`${catalogUrl}.sig`, 4096);
    if (!verifyCatalogSignature(bytes, sig.toString("utf8"), src.publicKey)) throw new Error("the artifact catalog's signature does not match");
  }
  const catalog = catalogSchema.parse(JSON.parse(bytes.toString("utf8")));
  let entry: ArtifactEntry;
  try {
    entry = resolveEntry(catalog, { name: TEMPLATE_NAME, version }, "template");
  } catch (err) {
    throw new Error(
      `the container template ${TEMPLATE_NAME}@${version} is not in the artifact store (${(err as Error).message}); ` +
        `build and publish it with: npm run artifacts -- build ${TEMPLATE_NAME} --publish`,
    );
  }
  return { ...entry, absoluteUrl: absoluteArtifactUrl(entry.url, catalogUrl) };
}

async function download(url: string, dest: string, size: number): Promise<string> {
  const u = new URL(url);
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = (u.protocol === "https:" ? https : http).get(u, { agent: false }, resolve);
    req.setTimeout(60_000, () => req.destroy(new Error("template download stalled")));
    req.on("error", reject);
  });
  if (res.statusCode !== 200) {
    res.resume();
    throw new Error(`template download answered ${res.statusCode}`);
  }
  const hash = createHash("sha256");
  let n = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _e, cb) {
      n += chunk.length;
      if (n > size) return cb(new Error("template download is larger than the catalog says"));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  await pipeline(res, tap, createWriteStream(dest, { mode: 0o600 }));
  return hash.digest("hex");
}

function untar(file: string, dest: string): Promise<void> {
  const decompress = file.endsWith(".zst") ? ["-I", "zstd"] : ["-z"];
  return new Promise((resolve, reject) => {
    // As root with --numeric-owner -p: owners and modes exactly as built (setuid bits included).
    const tar = spawn("tar", [...decompress, "-x", "--numeric-owner", "-p", "-f", file, "-C", dest], { stdio: ["ignore", "ignore", "pipe"], env: { PATH: "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv });
    let err = "";
    tar.stderr.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    tar.on("error", reject);
    tar.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}: ${err}`))));
  });
}

/** Moves every owner into the containers' range; chown clears setuid/setgid, so modes are put back. */
export function shiftOwners(root: string, shift = ID_SHIFT): number {
  let n = 0;
  const visit = (p: string) => {
    const st = lstatSync(p);
    if (st.uid < shift || st.gid < shift) {
      lchownSync(p, st.uid < shift ? st.uid + shift : st.uid, st.gid < shift ? st.gid + shift : st.gid);
      if (!st.isSymbolicLink() && st.mode & 0o6000) chmodSync(p, st.mode & 0o7777);
      n++;
    }
    if (st.isDirectory()) for (const c of readdirSync(p)) visit(path.join(p, c));
  };
  visit(root);
  return n;
}

const inflight = new Map<string, Promise<UnpackedTemplate>>();

/** The unpacked lower dir for this portal's template version; downloads and unpacks it the first time. */
export function ensureTemplate(templatesDir: string, src: TemplateSource): Promise<UnpackedTemplate> {
  const key = `${templatesDir}\0${templateVersion()}`;
  let p = inflight.get(key);
  if (!p) {
    p = unpack(templatesDir, src).finally(() => inflight.delete(key));
    inflight.set(key, p);
  }
  return p;
}

/** A version already unpacked here (its sha256 was checked then): no catalog round trip on create. */
function unpacked(templatesDir: string, version: string): UnpackedTemplate | null {
  let names: string[];
  try {
    names = readdirSync(templatesDir);
  } catch {
    return null;
  }
  for (const n of names.sort()) {
    if (!n.startsWith(`${version}-`) || !existsSync(path.join(templatesDir, n, ".ready"))) continue;
    return { version, sha256: readFileSync(path.join(templatesDir, n, ".ready"), "utf8").trim(), lowerDir: path.join(templatesDir, n, "rootfs") };
  }
  return null;
}

async function unpack(templatesDir: string, src: TemplateSource): Promise<UnpackedTemplate> {
  const ready = unpacked(templatesDir, templateVersion());
  if (ready) return ready;
  const entry = await resolveTemplate(src);
  const final = path.join(templatesDir, `${entry.version}-${entry.sha256.slice(0, 16)}`);
  const lowerDir = path.join(final, "rootfs");
  if (existsSync(path.join(final, ".ready"))) return { version: entry.version, sha256: entry.sha256, lowerDir };
  const t0 = Date.now();
  // Traversable by the containers' root (uid 100000 mounts the overlay inside its namespace).
  mkdirSync(templatesDir, { recursive: true, mode: 0o711 });
  const work = path.join(templatesDir, `.work-${process.pid}-${randomBytes(4).toString("hex")}`);
  mkdirSync(path.join(work, "rootfs"), { recursive: true, mode: 0o711 });
  try {
    const file = path.join(work, `template${entry.url.endsWith(".zst") ? ".tar.zst" : ".tar.gz"}`);
    const sha = await download(entry.absoluteUrl, file, entry.size);
    if (sha !== entry.sha256) throw new Error(`template ${entry.name}@${entry.version} sha256 mismatch: got ${sha}, catalog says ${entry.sha256}`);
    await untar(file, path.join(work, "rootfs"));
    rmSync(file);
    const shifted = shiftOwners(path.join(work, "rootfs"));
    chmodSync(work, 0o711);
    writeFileSync(path.join(work, ".ready"), `${entry.sha256}\n`);
    try {
      renameSync(work, final);
    } catch (err) {
      // Another process unpacked the same version first: use theirs.
      if (!existsSync(path.join(final, ".ready"))) throw err;
      rmSync(work, { recursive: true, force: true });
    }
    log.info({ version: entry.version, ms: Date.now() - t0, shifted }, "container template unpacked");
    return { version: entry.version, sha256: entry.sha256, lowerDir };
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
}
