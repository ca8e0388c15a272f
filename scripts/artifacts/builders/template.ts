import { existsSync, readFileSync, readdirSync } from "node:fs";
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { artifactEntrySchema } from "../../../agent/src/contract/catalog";
import { TEMPLATE_NAME, templateVersion } from "../../../src/server/provisioning/providers/lxc-template-id";
import type { ArtifactBuilder, BuildResult } from "../builder";
import { run } from "../pack";
import { claimWorkDir } from "../workdir";

/**
 * The lxc provider's container template, the way Proxmox VE ships debian-12-standard: Debian 12
 * (bookworm) minbase from the Debian mirror apt uses here (debootstrap, about 30-50 s), plus the
 * Node binary that runs this portal (and so the agent; the agent's native modules are built for its
 * ABI), pigz (backups) and LXC's own small init (reaps orphans, forwards lxc-stop's signal). Packed with numeric
 * owners and zstd into <cache>/template-<version>.tar.zst.
 */
const SUITE = "bookworm";
/** Debian packages beyond minbase the agent uses inside the container. */
export const EXTRA_PACKAGES = ["pigz"];

/** The Debian mirror apt uses here (deb822 sources first, then sources.list), else Debian's own. */
export function debianMirror(sources: { deb822: string[]; list: string[] }): string {
  for (const text of sources.deb822) {
    for (const para of text.split(/\n\s*\n/)) {
      const uris = /^URIs:\s*(\S+)/m.exec(para)?.[1];
      if (uris && /^Suites:.*\bbookworm\b/m.test(para) && !/security/.test(uris)) return uris;
    }
  }
  for (const text of sources.list) {
    const m = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+bookworm\s/m.exec(text);
    if (m) return m[1]!;
  }
  return "http://deb.debian.org/debian";
}

function readSources(): { deb822: string[]; list: string[] } {
  const dir = "/etc/apt/sources.list.d";
  const files = existsSync(dir) ? readdirSyncSafe(dir) : [];
  return {
    deb822: files.filter((f) => f.endsWith(".sources")).map((f) => readFileSync(path.join(dir, f), "utf8")),
    list: [...(existsSync("/etc/apt/sources.list") ? [readFileSync("/etc/apt/sources.list", "utf8")] : []), ...files.filter((f) => f.endsWith(".list")).map((f) => readFileSync(path.join(dir, f), "utf8"))],
  };
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function templateTarballPath(cacheDir: string, version = templateVersion()): string {
  return path.join(cacheDir, `template-${version}.tar.zst`);
}

function entryFor(version: string): BuildResult["entry"] {
  return {
    kind: "template",
    name: TEMPLATE_NAME,
    version,
    displayName: `Debian 12 minbase + Node ${version.replace(/^.*-node/, "")}`,
    os: "linux",
    arch: "x64",
    bin: [],
  };
}

async function cachedEntry(file: string): Promise<BuildResult["entry"] | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    return artifactEntrySchema.omit({ url: true, sha256: true, size: true }).parse(JSON.parse(await readFile(`${file}.entry.json`, "utf8")));
  } catch {
    return undefined;
  }
}

export const templateBuilder: ArtifactBuilder = {
  name: TEMPLATE_NAME,
  kind: "template",
  // Only the Node running here can be packed: the template follows the portal's Node.
  versions: () => [templateVersion()],
  async available() {
    if (process.getuid?.() !== 0) return "needs root (debootstrap, numeric owners)";
    for (const tool of ["debootstrap", "zstd"]) {
      try {
        await run("sh", ["-c", `command -v ${tool}`]);
      } catch {
        return `${tool} is not installed (bash scripts/system-deps.sh)`;
      }
    }
    if (!existsSync("/usr/sbin/init.lxc.static")) return "LXC is not installed (bash scripts/system-deps.sh)";
    return true;
  },
  async build({ version, cacheDir, onProgress }) {
    if (version !== templateVersion()) throw new Error(`this machine runs Node ${process.versions.node}: it can build ${templateVersion()} only`);
    const file = templateTarballPath(cacheDir, version);
    const cached = await cachedEntry(file);
    if (cached) {
      onProgress({ step: "cache", message: `cached ${file}` });
      return { file, entry: cached, cached: true };
    }
    const work = await claimWorkDir(path.join(cacheDir, "template-work"));
    try {
      const rootfs = path.join(work, "rootfs");
      const mirror = debianMirror(readSources());
      // pigz: the agent's backups compress with it on every core (gzip, one core, is the fallback).
      onProgress({ step: "debootstrap", message: `debootstrap --variant=minbase --include=${EXTRA_PACKAGES.join(",")} ${SUITE} ${mirror}` });
      await run("debootstrap", ["--variant=minbase", `--include=${EXTRA_PACKAGES.join(",")}`, SUITE, rootfs, mirror]);

      onProgress({ step: "node", message: `${process.execPath} (v${process.versions.node})` });
      await copyFile(process.execPath, path.join(rootfs, "usr/local/bin/node"));
      await chmod(path.join(rootfs, "usr/local/bin/node"), 0o755);
      await copyFile("/usr/sbin/init.lxc.static", path.join(rootfs, "usr/local/sbin/zlh-init"));
      await chmod(path.join(rootfs, "usr/local/sbin/zlh-init"), 0o755);
      const got = (await run("chroot", [rootfs, "/usr/local/bin/node", "--version"])).trim();
      if (got !== `v${process.versions.node}`) throw new Error(`node in the template answered ${got}`);

      // slirp4netns's resolver; the tap's address comes from slirp4netns --configure.
      await writeFile(path.join(rootfs, "etc/resolv.conf"), "nameserver 10.0.2.3\n");
      await writeFile(path.join(rootfs, "etc/hosts"), "127.0.0.1 localhost\n::1 localhost\n");
      // LXC's autodev gives /dev; apt caches are dead weight.
      for (const d of ["dev", "var/cache/apt/archives", "var/lib/apt/lists"]) {
        for (const f of await readdir(path.join(rootfs, d)).catch(() => [] as string[])) {
          if (f !== "partial" && f !== "lock") await rm(path.join(rootfs, d, f), { recursive: true, force: true });
        }
      }
      await mkdir(path.join(rootfs, "opt/zlh"), { recursive: true });

      onProgress({ step: "pack", message: file });
      const tmp = `${file}.partial`;
      await run("sh", ["-c", 'tar --numeric-owner --sort=name -C "$1" -cf - . | zstd -q -T0 -3 -o "$2" -f', "pack", rootfs, tmp]);
      await rename(tmp, file);
      const entry = entryFor(version);
      await writeFile(`${file}.entry.json`, `${JSON.stringify(entry, null, 2)}\n`);
      return { file, entry, cached: false };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};
