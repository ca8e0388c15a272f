import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { ArtifactBuilder, BuildResult } from "../builder";

const run = promisify(execFile);

/** The launcher's sources live in the repo; their hash is part of the cache key. */
const LAUNCHER_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../agent/games/flying-squid");
/** Packed beside node_modules/ (and kept out of game backups by the flying-squid template's excludes). */
export const FLYING_SQUID_LAUNCHER_FILES = ["launcher.mjs", "save-queue.mjs"] as const;

export const DEFAULT_CACHE_DIR = path.join(os.homedir(), ".cache", "zeroLagHub");

const VERSIONS = ["1.12.0"];
/** Bumped when the build recipe changes, so cached builds made by an older recipe are redone. */
const RECIPE = "2";
/** minecraft-data's Bedrock version tables: about 400 MB no Java edition server reads (its `common` folder is read). */
const PACK_EXCLUDES = ["--exclude=./node_modules/minecraft-data/minecraft-data/data/bedrock/[0-9]*"];

/**
 * flying-squid (a Minecraft-protocol server in Node) as a game artifact: `npm install
 * flying-squid@<version>` into a build folder kept per version under the cache, plus the ZeroLagHub
 * launcher, packed as tar.gz. minecraft-data's per-version Bedrock tables are left out of the pack
 * (minecraft-data loads data lazily per edition and version).
 */
export const flyingSquidBuilder: ArtifactBuilder = {
  name: "flying-squid",
  kind: "game",
  versions: () => VERSIONS,
  async available() {
    try {
      await run("npm", ["--version"]);
      await run("tar", ["--version"]);
      return true;
    } catch {
      return "npm and tar are needed to build flying-squid";
    }
  },
  async build({ version, cacheDir, onProgress }): Promise<BuildResult> {
    if (!VERSIONS.includes(version)) throw new Error(`flying-squid ${version} is not buildable here (known: ${VERSIONS.join(", ")})`);
    const base = path.join(cacheDir, "flying-squid", version);
    const buildDir = path.join(base, "build");
    const hash = createHash("sha256").update(RECIPE);
    for (const f of FLYING_SQUID_LAUNCHER_FILES) hash.update(f).update(await readFile(path.join(LAUNCHER_DIR, f)));
    const launcherHash = hash.digest("hex").slice(0, 12);
    const file = path.join(base, `flying-squid-${version}-${launcherHash}.tar.gz`);
    const entry: BuildResult["entry"] = {
      kind: "game",
      name: "flying-squid",
      version,
      displayName: `flying-squid ${version} (Minecraft 1.21.4, Node)`,
      os: "linux",
      arch: "any",
      bin: [],
      template: "flying-squid",
    };
    if (existsSync(file)) return { file, entry, cached: true };

    const installedMarker = path.join(buildDir, ".zlh-installed");
    if (!existsSync(installedMarker) || (await readFile(installedMarker, "utf8")) !== RECIPE) {
      onProgress({ step: "npm install", message: `flying-squid@${version}` });
      // Install into a fresh folder and rename, so an interrupted install is never mistaken for a cached one.
      const staging = `${buildDir}.${process.pid}.staging`;
      await rm(staging, { recursive: true, force: true });
      await mkdir(staging, { recursive: true });
      await writeFile(path.join(staging, "package.json"), JSON.stringify({ name: "zlh-flying-squid", private: true, type: "commonjs" }, null, 2));
      await run("npm", ["install", "--no-audit", "--no-fund", "--omit=dev", "--ignore-scripts", "--save-exact", `flying-squid@${version}`], {
        cwd: staging,
        maxBuffer: 16 * 1024 * 1024,
      });
      await writeFile(path.join(staging, ".zlh-installed"), RECIPE);
      await rm(buildDir, { recursive: true, force: true });
      await rename(staging, buildDir);
    }
    for (const f of FLYING_SQUID_LAUNCHER_FILES) await copyFile(path.join(LAUNCHER_DIR, f), path.join(buildDir, f));
    onProgress({ step: "pack", message: path.basename(file) });
    const tmp = `${file}.${process.pid}.tmp`;
    await run("tar", ["-czf", tmp, ...PACK_EXCLUDES, "-C", buildDir, ...FLYING_SQUID_LAUNCHER_FILES.map((f) => `./${f}`), "./package.json", "./node_modules"], { maxBuffer: 16 * 1024 * 1024 });
    await rename(tmp, file);
    // Packs of an older launcher or recipe are superseded.
    for (const f of await readdir(base)) {
      if (f.endsWith(".tar.gz") && path.join(base, f) !== file) await rm(path.join(base, f), { force: true });
    }
    return { file, entry, cached: false };
  },
};

export default flyingSquidBuilder;
