import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import {
  artifactKindSchema,
  artifactNameSchema,
  channelSchema,
  versionSchema,
  type Catalog,
  type Channel,
} from "../agent/src/contract/catalog";
import { verifyCatalogSignature } from "../agent/src/contract/catalog-signature";
import { CatalogError, currentChannels, sortedEntries } from "../src/server/artifacts/catalog-ops";
import { artifactsConfig, storeDirOf } from "../src/server/artifacts/config";
import { getCatalogPublicKey, publicKeyOf, signingKeyPem } from "../src/server/artifacts/keys";
import {
  CATALOG_FILE,
  SIGNATURE_FILE,
  openStore,
  promoteInStore,
  publishFile,
  readCatalog,
  resignStore,
  rollbackInStore,
  verifyStore,
  type PublishMeta,
} from "../src/server/artifacts/store";
import type { ArtifactBuilder } from "./artifacts/builder";
import { defaultBuildJobs } from "../src/server/artifacts/defaults";
import { jsonProgress, mb, progressPrinter } from "./artifacts/progress";
import { discoverBuilders } from "./artifacts/registry";

/**
 * npm run artifacts -- <command>: build, publish, promote, roll back, verify and list the artifacts
 * of the local store (<data>/artifacts). Results go to stdout, progress to stderr.
 */
const USAGE = `usage: npm run artifacts -- <command> [options] [--data-dir DIR]

  list                                   the catalog as a table
  build <name>[@version]... [--publish] [--channel stable|beta]
  build --defaults [--publish]           node runtimes, flying-squid, code-server, python, java, the container template
        [--progress-json]                progress as JSON lines on stderr (the portal's build runner reads them)
  builders                               builders found here, their versions and availability
  publish <file> --kind K --name N --version V [--arch x64|arm64|any] [--bin DIR]...
          [--display-name S] [--verify-command C --verify-arg A... --verify-expect RE]
          [--template T] [--game G] [--channel stable|beta|none]
  promote <name>@<version> --to stable|beta
  rollback <name> [--channel stable|beta]
  verify                                 rehash every artifact and check the signature (exit 1 on any problem)
  sign                                   re-sign catalog.json with the current key
  public-key                             print the catalog public key (base64 SPKI) for agents
`;

class UsageError extends Error {}

const options = {
  "data-dir": { type: "string" },
  publish: { type: "boolean" },
  defaults: { type: "boolean" },
  channel: { type: "string" },
  to: { type: "string" },
  kind: { type: "string" },
  name: { type: "string" },
  version: { type: "string" },
  arch: { type: "string" },
  bin: { type: "string", multiple: true },
  "display-name": { type: "string" },
  "verify-command": { type: "string" },
  "verify-arg": { type: "string", multiple: true },
  "verify-expect": { type: "string" },
  template: { type: "string" },
  game: { type: "string" },
  "progress-json": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

let progressJson = false;
const progressFor = (label: string) => (progressJson ? jsonProgress(label) : progressPrinter(label));

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>["values"];

function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

function parseNameVersion(ref: string): { name: string; version?: string } {
  const [name, version, extra] = ref.split("@");
  if (extra !== undefined) throw new UsageError(`"${ref}" is not name or name@version`);
  const n = artifactNameSchema.safeParse(name);
  if (!n.success) throw new UsageError(`"${name}": ${n.error.issues[0]!.message}`);
  if (version === undefined) return { name: n.data };
  const v = versionSchema.safeParse(version);
  if (!v.success) throw new UsageError(`"${version}": ${v.error.issues[0]!.message}`);
  return { name: n.data, version: v.data };
}

function channelOpt(v: string | undefined, fallback: Channel): Channel {
  const c = channelSchema.safeParse(v ?? fallback);
  if (!c.success) throw new UsageError(`--channel/--to must be stable or beta, got "${v}"`);
  return c.data;
}

/** Publish's channel list: stable by default, `none` for an entry no channel points at yet. */
function publishChannels(v: string | undefined): Channel[] {
  return v === "none" ? [] : [channelOpt(v, "stable")];
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

function cmdList(dataDir: string): number {
  const storeDir = storeDirOf(dataDir);
  const catFile = path.join(storeDir, CATALOG_FILE);
  const catalog: Catalog = readCatalog(storeDir);
  let signature = "no store yet";
  if (existsSync(catFile)) {
    const pem = signingKeyPem(dataDir, false);
    const sigFile = path.join(storeDir, SIGNATURE_FILE);
    signature = !existsSync(sigFile)
      ? "MISSING"
      : !pem
        ? "present (no local key to check it)"
        : verifyCatalogSignature(readFileSync(catFile), readFileSync(sigFile, "utf8"), publicKeyOf(pem))
          ? "valid"
          : "DOES NOT MATCH";
  }
  const n = catalog.artifacts.length;
  process.stdout.write(
    `catalog ${catFile}\nschemaVersion ${catalog.schemaVersion}, generated ${catalog.generatedAt}, ${n} artifact${n === 1 ? "" : "s"}, signature ${signature}\n\n`,
  );
  const rows = [["KIND", "NAME", "VERSION", "ARCH", "SIZE", "CHANNELS", "SHA256", "DESCRIPTION"]];
  for (const e of sortedEntries(catalog)) {
    rows.push([e.kind, e.name, e.version, e.arch, mb(e.size), currentChannels(catalog, e).join(",") || "-", e.sha256.slice(0, 12), e.displayName ?? ""]);
  }
  process.stdout.write(`${table(rows)}\n`);
  if (n === 0) process.stdout.write("(no artifacts yet: npm run artifacts -- build --defaults --publish)\n");
  const stacks = Object.entries(catalog.channels);
  if (stacks.length) {
    process.stdout.write("\nchannels (oldest … current):\n");
    for (const [name, chans] of stacks.sort(([a], [b]) => a.localeCompare(b))) {
      for (const [ch, stack] of Object.entries(chans ?? {})) process.stdout.write(`  ${name} ${ch}: ${(stack ?? []).join(" … ")}\n`);
    }
  }
  return 0;
}

async function cmdPublish(dataDir: string, positionals: string[], v: Values): Promise<number> {
  const [file, extra] = positionals;
  if (!file || extra) throw new UsageError("publish takes exactly one file");
  if (!v.kind || !v.name || !v.version) throw new UsageError("publish needs --kind, --name and --version");
  const verify =
    v["verify-command"] || v["verify-expect"]
      ? { command: v["verify-command"] ?? "", args: v["verify-arg"] ?? [], expect: v["verify-expect"] ?? "" }
      : undefined;
  const meta = z
    .object({
      kind: artifactKindSchema,
      name: artifactNameSchema,
      version: versionSchema,
      arch: z.enum(["x64", "arm64", "any"]).default("x64"),
    })
    .safeParse({ kind: v.kind, name: v.name, version: v.version, arch: v.arch });
  if (!meta.success) throw new UsageError(meta.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("; "));
  const publishMeta: PublishMeta = {
    ...meta.data,
    bin: v.bin ?? [],
    ...(v["display-name"] ? { displayName: v["display-name"] } : {}),
    ...(verify ? { verify } : {}),
    ...(v.template ? { template: v.template } : {}),
    ...(v.game ? { game: v.game } : {}),
  };
  return publishOne(dataDir, path.resolve(file), publishMeta, publishChannels(v.channel));
}

async function publishOne(dataDir: string, file: string, meta: PublishMeta, channels: Channel[]): Promise<number> {
  const store = await openStore(dataDir);
  const label = `${meta.name}@${meta.version}`;
  const size = existsSync(file) ? statSync(file).size : 0;
  const progress = progressFor(label);
  const r = await publishFile(store, file, meta, channels, (done, total) => progress({ step: "hash", done, total }));
  if (r.added) {
    const moved = channels.filter((c) => !r.skippedChannels.includes(c));
    process.stdout.write(
      `published ${r.entry.kind}/${label} (${r.entry.arch}) ${mb(size)} sha256 ${r.entry.sha256}` +
        `${moved.length ? ` -> ${moved.join(",")}` : ""}\n`,
    );
    for (const c of r.skippedChannels) {
      process.stdout.write(`  ${c} stays on a newer version; make this one current with: promote ${label} --to ${c}\n`);
    }
  } else {
    process.stdout.write(`${r.entry.kind}/${label} (${r.entry.arch}) is already published with these bytes: nothing changed\n`);
  }
  return 0;
}

async function cmdPromote(dataDir: string, positionals: string[], v: Values): Promise<number> {
  const [ref, extra] = positionals;
  if (!ref || extra) throw new UsageError("promote takes one name@version");
  const { name, version } = parseNameVersion(ref);
  if (!version) throw new UsageError("promote needs name@version");
  if (!v.to) throw new UsageError("promote needs --to stable|beta");
  const channel = channelOpt(v.to, "stable");
  const change = await promoteInStore(await openStore(dataDir), name, version, channel);
  process.stdout.write(
    change.changed
      ? `${name} ${channel}: ${change.from ?? "(none)"} -> ${change.to}\n`
      : `${name} ${channel} is already ${change.to}: nothing changed\n`,
  );
  return 0;
}

async function cmdRollback(dataDir: string, positionals: string[], v: Values): Promise<number> {
  const [ref, extra] = positionals;
  if (!ref || extra) throw new UsageError("rollback takes one name");
  const { name, version } = parseNameVersion(ref);
  if (version) throw new UsageError("rollback takes a name without a version (it goes back to the previous one)");
  const channel = channelOpt(v.channel, "stable");
  const change = await rollbackInStore(await openStore(dataDir), name, channel);
  process.stdout.write(`${name} ${channel}: ${change.from} -> ${change.to} (rolled back)\n`);
  return 0;
}

async function cmdVerify(dataDir: string): Promise<number> {
  const storeDir = storeDirOf(dataDir);
  const pem = signingKeyPem(dataDir, false);
  const publicKey = artifactsConfig().ZLH_ARTIFACTS_PUBLIC_KEY ?? (pem ? publicKeyOf(pem) : undefined);
  const report = await verifyStore(storeDir, publicKey, (item) => {
    const e = item.entry;
    const label = `${e.kind}/${e.name}@${e.version} (${e.arch})`;
    process.stdout.write(item.status === "ok" ? `ok        ${label}\n` : `${item.status.toUpperCase().padEnd(9)} ${item.message}\n`);
  });
  process.stdout.write(`catalog   ${report.catalog.ok ? "valid" : report.catalog.message}\n`);
  process.stdout.write(`signature ${report.signature.message}\n`);
  for (const o of report.orphans) process.stdout.write(`note      ${path.relative(storeDir, o)} is in the store but not in the catalog\n`);
  const bad = report.items.filter((i) => i.status === "missing" || i.status === "mismatch").length;
  process.stdout.write(
    report.ok ? `verified ${report.items.length} artifact(s): all match\n` : `verify FAILED: ${bad} artifact problem(s)${report.signature.ok ? "" : ", bad signature"}${report.catalog.ok ? "" : ", invalid catalog"}\n`,
  );
  return report.ok ? 0 : 1;
}

async function cmdBuilders(): Promise<number> {
  const { builders, broken } = await discoverBuilders();
  const rows = [["NAME", "KIND", "VERSIONS", "AVAILABLE"]];
  for (const b of builders) {
    const avail = await b.available();
    rows.push([b.name, b.kind, (await b.versions()).join(", "), avail === true ? "yes" : `no: ${avail}`]);
  }
  process.stdout.write(`${table(rows)}\n`);
  for (const b of broken) process.stdout.write(`(could not load builders/${b.file}: ${b.error})\n`);
  return 0;
}

async function cmdBuild(dataDir: string, positionals: string[], v: Values): Promise<number> {
  const { builders, broken } = await discoverBuilders();
  for (const b of broken) err(`warning: builders/${b.file} did not load: ${b.error}`);
  const byName = new Map(builders.map((b) => [b.name, b]));
  const jobs: { builder: ArtifactBuilder; version: string }[] = [];
  if (v.defaults) {
    if (positionals.length) throw new UsageError("build --defaults takes no names");
    // The same list the portal prepares on a fresh machine (src/server/artifacts/defaults.ts).
    const infos = await Promise.all(builders.map(async (b) => ({ name: b.name, kind: b.kind, versions: await b.versions(), available: await b.available() })));
    for (const j of defaultBuildJobs(infos)) {
      if (j.unavailable) err(`skip ${j.name}@${j.version}: ${j.unavailable}`);
      else jobs.push({ builder: byName.get(j.name)!, version: j.version });
    }
  } else {
    if (!positionals.length) throw new UsageError("build needs a name (or --defaults)");
    for (const ref of positionals) {
      const { name, version } = parseNameVersion(ref);
      const b = byName.get(name);
      if (!b) throw new UsageError(`no builder named ${name} (have: ${builders.map((x) => x.name).join(", ") || "none"})`);
      const avail = await b.available();
      if (avail !== true) throw new CatalogError(`${name} cannot be built here: ${avail}`);
      const chosen = version ?? (await b.versions())[0];
      if (!chosen) throw new CatalogError(`${name} offers no versions`);
      jobs.push({ builder: b, version: chosen });
    }
  }
  const cacheDir = artifactsConfig().cacheDir;
  const channels = publishChannels(v.channel);
  let failed = 0;
  for (const { builder, version } of jobs) {
    const label = `${builder.name}@${version}`;
    const t0 = Date.now();
    err(`[${label}] build (cache ${cacheDir})`);
    try {
      const result = await builder.build({ version, cacheDir, onProgress: progressFor(label) });
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      process.stdout.write(`built ${label} in ${secs} s${result.cached ? " (cached)" : ""}: ${result.file} ${mb(statSync(result.file).size)}\n`);
      if (v.publish) {
        const { publishedAt: _ignored, ...entry } = result.entry;
        await publishOne(dataDir, result.file, entry, channels);
      }
    } catch (e) {
      failed++;
      err(`[${label}] FAILED: ${(e as Error).message}`);
    }
  }
  return failed ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  const [cmd, ...rest] = positionals;
  if (values.help || !cmd) {
    process.stdout.write(USAGE);
    return cmd || values.help ? 0 : 2;
  }
  if (values["data-dir"]) process.env.ZLH_DATA_DIR = values["data-dir"];
  progressJson = values["progress-json"] === true;
  const dataDir = artifactsConfig().dataDir;
  switch (cmd) {
    case "list":
      return cmdList(dataDir);
    case "publish":
      return cmdPublish(dataDir, rest, values);
    case "promote":
      return cmdPromote(dataDir, rest, values);
    case "rollback":
      return cmdRollback(dataDir, rest, values);
    case "verify":
      return cmdVerify(dataDir);
    case "build":
      return cmdBuild(dataDir, rest, values);
    case "builders":
      return cmdBuilders();
    case "sign":
      await resignStore(await openStore(dataDir));
      process.stdout.write(`re-signed ${path.join(storeDirOf(dataDir), CATALOG_FILE)}\n`);
      return 0;
    case "public-key":
      process.stdout.write(`${getCatalogPublicKey(dataDir)}\n`);
      return 0;
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

/** Every live descendant of `pid` (from /proc), deepest last. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // The process exited while we looked.
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

// Stopped mid-build (the portal shutting down its seeder): take the npm/tar children along.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    for (const pid of descendants(process.pid)) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
        // Already gone.
      }
    }
    process.exit(signal === "SIGTERM" ? 143 : 130);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      err(`${(e as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    err(e instanceof CatalogError ? (e as Error).message : `error: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
