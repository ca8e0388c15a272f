import type { Readable } from "node:stream";
import type { BackupManifest } from "../../../agent/src/contract/backup";

/** A finished backup in a store: both its archive and its manifest are complete. */
export type StoredBackup = { id: string; size: number; createdAt: Date };

export type ArchiveRange = { start: number; end: number };
export type OpenedArchive = { stream: Readable; size: number; range: ArchiveRange | null };

/** Called once the archive's bytes are all stored: returns the manifest the archive must match. */
export type ManifestSource = (archive: { size: number; sha256: string }) => Promise<BackupManifest>;

/**
 * Where backups live: `<serverId>/<id>.tar.gz` plus `<serverId>/<id>.json` (the manifest). The
 * manifest is written last and is the commit mark: a listing shows a backup only once both exist,
 * so an interrupted upload is never listed. Both stores pass the same contract tests.
 */
export interface BackupStore {
  readonly kind: "local" | "s3";
  /**
   * Stores the archive from the stream, hashing it as it goes; then asks `manifest` for the
   * manifest, refuses (and discards everything) unless its size and sha256 match, and commits.
   */
  put(serverId: string, id: string, archive: Readable, manifest: ManifestSource, signal?: AbortSignal): Promise<BackupManifest>;
  /** Finished backups of a server, oldest first. */
  list(serverId: string): Promise<StoredBackup[]>;
  manifest(serverId: string, id: string): Promise<BackupManifest | null>;
  /** The archive's bytes (one inclusive byte range when given); null when the backup does not exist. */
  open(serverId: string, id: string, range?: ArchiveRange): Promise<OpenedArchive | null>;
  /** Removes a backup (manifest first, so it leaves listings before its bytes go). Idempotent. */
  delete(serverId: string, id: string): Promise<void>;
}

export class ArchiveMismatchError extends Error {}

export function checkArchive(manifest: BackupManifest, got: { size: number; sha256: string }): void {
  if (manifest.archive.size !== got.size || manifest.archive.sha256 !== got.sha256) {
    throw new ArchiveMismatchError(`archive received (${got.size} bytes, sha256 ${got.sha256}) does not match its manifest (${manifest.archive.size} bytes, ${manifest.archive.sha256})`);
  }
}

/** Ids and server ids are used in paths and object keys: only plain names. */
export function assertSafeName(s: string): void {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$/.test(s)) throw new Error(`unsafe backup name ${JSON.stringify(s)}`);
}
