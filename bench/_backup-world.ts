import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * A Minecraft-like world of about `totalMb` MB: region files of 8 MiB whose 4 KiB sectors are
 * either already-compressed chunk data (random bytes, as zlib'd chunks are) or sparse padding,
 * plus player data and small files. Compresses roughly like a real world (gzip to about 60 %).
 */
export async function writeWorld(dir: string, totalMb: number): Promise<{ files: number; bytes: number }> {
  const region = path.join(dir, "region");
  const players = path.join(dir, "playerdata");
  await mkdir(region, { recursive: true });
  await mkdir(players, { recursive: true });
  const fileBytes = 8 * 1024 * 1024;
  const sector = 4096;
  let bytes = 0;
  let files = 0;
  for (let i = 0; bytes + fileBytes <= totalMb * 1024 * 1024; i++) {
    const buf = Buffer.alloc(fileBytes);
    const noise = randomBytes(fileBytes);
    for (let off = 0; off < fileBytes; off += sector) {
      // 55 % of sectors hold compressed chunk data; the rest are runs of a few values.
      if ((off / sector) % 20 < 11) noise.copy(buf, off, off, off + sector);
      else buf.fill(off % 7, off, off + sector);
    }
    await writeFile(path.join(region, `r.${(i % 8) - 4}.${Math.floor(i / 8) - 4}.mca`), buf);
    bytes += fileBytes;
    files++;
  }
  for (let i = 0; i < 50; i++) {
    await writeFile(path.join(players, `${i.toString(16).padStart(8, "0")}-player.dat`), randomBytes(2048));
    bytes += 2048;
    files++;
  }
  return { files, bytes };
}
