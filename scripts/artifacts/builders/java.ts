import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { artifactEntrySchema } from "../../../agent/src/contract/catalog";
import type { ArtifactBuilder, BuildResult } from "../builder";
import { packTarGz } from "../pack";

/**
 * Java runtimes from the JDKs installed on this machine under /usr/lib/jvm (for example Eclipse
 * Temurin 25 and Debian's OpenJDK 17). Each JDK folder is packed as it is, relocatable because the
 * JVM finds its home from its own location; symlinks into /etc (Debian's conf and cacerts) are
 * stored as the files they point at. Left out: jmods (only jlink needs them), src.zip, man pages.
 */
const JVM_ROOT = "/usr/lib/jvm";
const EXCLUDE = ["./jmods", "./lib/src.zip", "./man", "./docs", "./demo"];

type Jdk = { home: string; version: string; implementor: string };

function releaseField(text: string, key: string): string | undefined {
  return new RegExp(`^${key}="([^"]*)"`, "m").exec(text)?.[1];
}

/** JDKs under /usr/lib/jvm with a `release` file and an x.y.z version, newest first, one per real folder. */
export function findJdks(root = JVM_ROOT): Jdk[] {
  if (!existsSync(root)) return [];
  const seen = new Map<string, Jdk>();
  for (const name of readdirSync(root)) {
    const home = realpathSync(path.join(root, name));
    const release = path.join(home, "release");
    if (seen.has(home) || !existsSync(release) || !existsSync(path.join(home, "bin", "java"))) continue;
    const text = readFileSync(release, "utf8");
    const version = releaseField(text, "JAVA_VERSION");
    if (!version || !/^\d+\.\d+\.\d+$/.test(version)) continue;
    seen.set(home, { home, version, implementor: releaseField(text, "IMPLEMENTOR") ?? "unknown vendor" });
  }
  return [...seen.values()].sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }));
}

function entryFor(jdk: Jdk): BuildResult["entry"] {
  const major = jdk.version.split(".")[0]!;
  return {
    kind: "runtime",
    name: "java",
    version: jdk.version,
    displayName: `Java ${jdk.version} JDK (${jdk.implementor}, from ${path.basename(jdk.home)})`.slice(0, 80),
    os: "linux",
    arch: "x64",
    bin: ["bin"],
    verify: { command: "bin/java", args: ["-version"], expect: `version "${major}[."]` },
  };
}

export const javaBuilder: ArtifactBuilder = {
  name: "java",
  kind: "runtime",
  versions: () => findJdks().map((j) => j.version),
  available: () => (findJdks().length ? true : `no JDK with a release file under ${JVM_ROOT} (apt-get install openjdk-17-jdk-headless)`),
  async build({ version, cacheDir, onProgress }) {
    const jdk = findJdks().find((j) => j.version === version);
    if (!jdk) throw new Error(`no JDK ${version} here (have: ${findJdks().map((j) => j.version).join(", ") || "none"})`);
    const file = path.join(cacheDir, "java", version, `java-${version}-linux-x64.tar.gz`);
    const entry = artifactEntrySchema.omit({ url: true, sha256: true, size: true }).parse(entryFor(jdk));
    if (existsSync(file) && existsSync(`${file}.entry.json`)) {
      onProgress({ step: "cache", message: `cached ${file}` });
      return { file, entry, cached: true };
    }
    onProgress({ step: "pack", message: `${jdk.home} (${jdk.implementor})` });
    await mkdir(path.dirname(file), { recursive: true });
    await packTarGz(jdk.home, file, onProgress, { dereference: true, exclude: EXCLUDE });
    await writeFile(`${file}.entry.json`, `${JSON.stringify(entry, null, 2)}\n`);
    return { file, entry, cached: false };
  },
};
