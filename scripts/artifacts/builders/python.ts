import { existsSync, readdirSync, realpathSync } from "node:fs";
import { chmod, copyFile, cp, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { artifactEntrySchema } from "../../../agent/src/contract/catalog";
import type { ArtifactBuilder, BuildResult } from "../builder";
import { packTarGz, run } from "../pack";
import { claimWorkDir } from "../workdir";

/**
 * Python runtimes from the machine's Debian CPython (/usr/bin/python3.N + /usr/lib/python3.N).
 * Debian links libpython statically into the interpreter and CPython finds its standard library
 * relative to its own path, so the pair relocates as
 *
 *   bin/python3.N, bin/python3, bin/python (launchers), lib/python3.N/...
 *
 * What it is not: a standalone build. Its extension modules load the host's Debian shared
 * libraries (libssl3, libsqlite3, libffi8, libexpat1, zlib), which containers on this machine
 * share; Debian ships CPython without pip (ensurepip's wheels live in python3-pip-whl), so none is
 * bundled. The test suite and __pycache__ folders are left out.
 */
type Interpreter = { exe: string; lib: string; minor: string };

const LAUNCHER = (exe: string) => `#!/bin/sh
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd -P)
exec "$here/${exe}" "$@"
`;

export function findInterpreters(bin = "/usr/bin", libRoot = "/usr/lib"): Interpreter[] {
  if (!existsSync(bin)) return [];
  return readdirSync(bin)
    .filter((f) => /^python3\.\d+$/.test(f))
    .map((f) => ({ exe: path.join(bin, f), lib: path.join(libRoot, f), minor: f.slice("python".length) }))
    .filter((i) => existsSync(path.join(i.lib, "os.py")));
}

async function versionOf(exe: string): Promise<string> {
  return (await run(exe, ["-c", "import platform; print(platform.python_version())"])).trim();
}

async function candidates(): Promise<(Interpreter & { version: string })[]> {
  const found = await Promise.all(findInterpreters().map(async (i) => ({ ...i, version: await versionOf(i.exe) })));
  return found.filter((i) => /^\d+\.\d+\.\d+$/.test(i.version)).sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }));
}

function entryFor(version: string): BuildResult["entry"] {
  const [major, minor] = version.split(".");
  return {
    kind: "runtime",
    name: "python",
    version,
    displayName: `Python ${version} (Debian CPython, no pip)`,
    os: "linux",
    arch: "x64",
    bin: ["bin"],
    verify: { command: "bin/python3", args: ["--version"], expect: `^Python ${major}\\.${minor}\\.` },
  };
}

export const pythonBuilder: ArtifactBuilder = {
  name: "python",
  kind: "runtime",
  versions: async () => (await candidates()).map((c) => c.version),
  available: () => (findInterpreters().length ? true : "no Debian CPython (/usr/bin/python3.N with /usr/lib/python3.N) on this machine"),
  async build({ version, cacheDir, onProgress }) {
    const interp = (await candidates()).find((c) => c.version === version);
    if (!interp) throw new Error(`no Python ${version} here (have: ${(await candidates()).map((c) => c.version).join(", ") || "none"})`);
    const file = path.join(cacheDir, "python", version, `python-${version}-linux-x64.tar.gz`);
    const entry = artifactEntrySchema.omit({ url: true, sha256: true, size: true }).parse(entryFor(version));
    if (existsSync(file) && existsSync(`${file}.entry.json`)) {
      onProgress({ step: "cache", message: `cached ${file}` });
      return { file, entry, cached: true };
    }
    const work = await claimWorkDir(path.dirname(file));
    try {
      const stage = path.join(work, "stage");
      const exeName = path.basename(interp.exe);
      onProgress({ step: "stage", message: `${interp.exe} + ${interp.lib}` });
      await mkdir(path.join(stage, "bin"), { recursive: true });
      await copyFile(interp.exe, path.join(stage, "bin", exeName));
      await chmod(path.join(stage, "bin", exeName), 0o755);
      for (const name of ["python3", "python"]) {
        await writeFile(path.join(stage, "bin", name), LAUNCHER(exeName));
        await chmod(path.join(stage, "bin", name), 0o755);
      }
      await cp(interp.lib, path.join(stage, "lib", exeName), {
        recursive: true,
        dereference: true,
        filter: (src) => !["__pycache__", "test", "idlelib", "tkinter", "turtledemo"].includes(path.basename(src)) || src === interp.lib,
      });

      onProgress({ step: "check", message: "relocated interpreter finds its own standard library" });
      const probe = "import sys, json, ssl, sqlite3, ctypes, venv; print(sys.prefix)";
      const prefix = (await run(path.join(stage, "bin", "python3"), ["-I", "-c", probe])).trim();
      if (prefix !== realpathSync(stage)) throw new Error(`relocated python reports prefix ${prefix}, expected ${stage}`);

      await packTarGz(stage, file, onProgress);
      await writeFile(`${file}.entry.json`, `${JSON.stringify(entry, null, 2)}\n`);
      return { file, entry, cached: false };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};
