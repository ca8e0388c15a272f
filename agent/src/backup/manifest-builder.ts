import { createHash, type Hash } from "node:crypto";
import { TarHeaderReader } from "../artifacts/tar-headers";
import { normalizeMemberPath } from "../artifacts/entry-guard";
import type { ManifestFile } from "../contract/backup";

/**
 * Reads the uncompressed tar stream the system tar writes and builds the manifest as the bytes pass:
 * every member's path, type and size, and a sha256 of each regular file's data. The files are read
 * once (by tar); the agent only hashes what tar already read.
 */
export class ManifestBuilder {
  readonly files: ManifestFile[] = [];
  totalBytes = 0;
  rawBytes = 0;
  private current: { file: ManifestFile; hash: Hash } | null = null;
  private reader = new TarHeaderReader(
    (e) => {
      this.finishCurrent();
      const rel = normalizeMemberPath(e.path);
      if (rel === null) throw new Error(`tar produced an unexpected member ${JSON.stringify(e.path)}`);
      if (rel === "") return; // the archive root "./"
      if (e.type === "other") throw new Error(`cannot back up ${JSON.stringify(rel)}: special file (type ${e.typeFlag})`);
      const size = e.type === "file" ? (e.size ?? 0) : 0;
      const file: ManifestFile = { path: e.type === "dir" ? `${rel}/` : rel, size, type: e.type };
      this.files.push(file);
      this.totalBytes += size;
      if (e.type === "file") this.current = { file, hash: createHash("sha256") };
    },
    (chunk) => this.current?.hash.update(chunk),
  );

  push(chunk: Buffer): void {
    this.rawBytes += chunk.length;
    this.reader.push(chunk);
  }

  end(): void {
    this.reader.end();
    this.finishCurrent();
  }

  private finishCurrent(): void {
    if (!this.current) return;
    this.current.file.sha256 = this.current.hash.digest("hex");
    this.current = null;
  }
}
