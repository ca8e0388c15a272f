import { randomBytes } from "node:crypto";
import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";

/**
 * A fresh work folder for one build: <dir>/work-<pid>-<random>. Folders left by builds whose
 * process is gone (killed mid-build) are removed first; a concurrent build's folder is left alone.
 */
export async function claimWorkDir(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    const m = /^work-(\d+)-[0-9a-f]+$/.exec(name);
    if (m && !processAlive(Number(m[1]))) await rm(path.join(dir, name), { recursive: true, force: true });
  }
  const work = path.join(dir, `work-${process.pid}-${randomBytes(4).toString("hex")}`);
  await mkdir(work, { recursive: true });
  return work;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
