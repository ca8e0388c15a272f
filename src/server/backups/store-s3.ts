import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type _Object,
} from "@aws-sdk/client-s3";
import { backupManifestSchema, type BackupManifest } from "../../../agent/src/contract/backup";
import { assertSafeName, checkArchive, type ArchiveRange, type BackupStore, type ManifestSource, type OpenedArchive, type StoredBackup } from "./store";

export type S3StoreOptions = {
  bucket: string;
  prefix: string;
  region: string;
  endpoint?: string;
  forcePathStyle: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
};

/** S3 parts must be at least 5 MiB (but the last); 8 MiB keeps a 500 MB archive under 100 parts. */
const PART_BYTES = 8 * 1024 * 1024;

const isMissing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
};

/**
 * Backups in any S3-compatible bucket (AWS SDK v3). The archive goes up as a multipart upload,
 * which creates no object until it is completed (and is aborted on any failure); the manifest is
 * put after it and is what makes the backup listed.
 */
export class S3BackupStore implements BackupStore {
  readonly kind = "s3" as const;
  private client: S3Client;

  constructor(private opts: S3StoreOptions) {
    this.client = new S3Client({
      region: opts.region,
      endpoint: opts.endpoint,
      forcePathStyle: opts.forcePathStyle,
      credentials: opts.accessKeyId && opts.secretAccessKey ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey } : undefined,
    });
  }

  private keys(serverId: string, id: string) {
    assertSafeName(serverId);
    assertSafeName(id);
    const dir = `${this.opts.prefix}${serverId}/`;
    return { dir, archive: `${dir}${id}.tar.gz`, manifest: `${dir}${id}.json` };
  }

  async put(serverId: string, id: string, archive: Readable, manifestOf: ManifestSource, signal?: AbortSignal): Promise<BackupManifest> {
    const k = this.keys(serverId, id);
    const Bucket = this.opts.bucket;
    const created = await this.client.send(new CreateMultipartUploadCommand({ Bucket, Key: k.archive, ContentType: "application/gzip" }), { abortSignal: signal });
    const UploadId = created.UploadId!;
    try {
      const hash = createHash("sha256");
      let size = 0;
      const parts: { ETag: string; PartNumber: number }[] = [];
      let pending: Buffer[] = [];
      let pendingLen = 0;
      const flush = async () => {
        const Body = Buffer.concat(pending, pendingLen);
        pending = [];
        pendingLen = 0;
        const PartNumber = parts.length + 1;
        const r = await this.client.send(new UploadPartCommand({ Bucket, Key: k.archive, UploadId, PartNumber, Body, ContentLength: Body.length }), { abortSignal: signal });
        parts.push({ ETag: r.ETag!, PartNumber });
      };
      for await (const chunk of archive as AsyncIterable<Buffer>) {
        signal?.throwIfAborted();
        hash.update(chunk);
        size += chunk.length;
        pending.push(chunk);
        pendingLen += chunk.length;
        if (pendingLen >= PART_BYTES) await flush();
      }
      if (pendingLen > 0 || parts.length === 0) await flush();
      const got = { size, sha256: hash.digest("hex") };
      const manifest = backupManifestSchema.parse(await manifestOf(got));
      checkArchive(manifest, got);
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket, Key: k.archive, UploadId, MultipartUpload: { Parts: parts } }), { abortSignal: signal });
      try {
        await this.client.send(new PutObjectCommand({ Bucket, Key: k.manifest, Body: JSON.stringify(manifest), ContentType: "application/json" }), { abortSignal: signal });
      } catch (err) {
        await this.client.send(new DeleteObjectCommand({ Bucket, Key: k.archive })).catch(() => undefined);
        throw err;
      }
      return manifest;
    } catch (err) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket, Key: k.archive, UploadId })).catch(() => undefined);
      throw err;
    }
  }

  private async listAll(prefix: string): Promise<_Object[]> {
    const out: _Object[] = [];
    let ContinuationToken: string | undefined;
    do {
      const r = await this.client.send(new ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: prefix, ContinuationToken }));
      out.push(...(r.Contents ?? []));
      ContinuationToken = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return out;
  }

  async list(serverId: string): Promise<StoredBackup[]> {
    const k = this.keys(serverId, "x");
    const objects = await this.listAll(k.dir);
    const archives = new Map(objects.filter((o) => o.Key!.endsWith(".tar.gz")).map((o) => [o.Key!.slice(k.dir.length, -7), o]));
    const out: StoredBackup[] = [];
    for (const o of objects) {
      if (!o.Key!.endsWith(".json")) continue;
      const id = o.Key!.slice(k.dir.length, -5);
      const a = archives.get(id);
      if (a && !id.includes("/")) out.push({ id, size: a.Size ?? 0, createdAt: o.LastModified ?? new Date(0) });
    }
    return out.sort((x, y) => x.createdAt.getTime() - y.createdAt.getTime() || x.id.localeCompare(y.id));
  }

  async manifest(serverId: string, id: string): Promise<BackupManifest | null> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: this.keys(serverId, id).manifest }));
      return backupManifestSchema.parse(JSON.parse(await r.Body!.transformToString("utf8")));
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async open(serverId: string, id: string, range?: ArchiveRange): Promise<OpenedArchive | null> {
    const k = this.keys(serverId, id);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: k.manifest }));
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: k.archive }));
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.opts.bucket, Key: k.archive, Range: range ? `bytes=${range.start}-${range.end}` : undefined }));
      return { stream: r.Body as Readable, size: head.ContentLength ?? 0, range: range ?? null };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(serverId: string, id: string): Promise<void> {
    const k = this.keys(serverId, id);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: k.manifest }));
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: k.archive }));
  }
}
