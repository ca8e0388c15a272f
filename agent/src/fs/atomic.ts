import { randomBytes } from "node:crypto";
import { open, rename, rm, symlink } from "node:fs/promises";
import path from "node:path";

const tmpName = (target: string, tag: string) =>
  path.join(path.dirname(target), `.${path.basename(target)}.${tag}-${randomBytes(6).toString("hex")}`);

/** Writes a file so readers see the old or the new content, never a mix, even across a crash. */
export async function writeFileAtomic(file: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const tmp = tmpName(file, "tmp");
  const fh = await open(tmp, "wx", mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(path.dirname(file));
}

/** Points `link` at `target` atomically: a symlink under a temp name renamed over the old one. */
export async function symlinkAtomic(target: string, link: string): Promise<void> {
  const tmp = tmpName(link, "link");
  await symlink(target, tmp);
  try {
    await rename(tmp, link);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(path.dirname(link));
}

/** Makes a rename durable (best effort: some filesystems refuse fsync on directories). */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // durability only; correctness does not depend on it
  }
}
