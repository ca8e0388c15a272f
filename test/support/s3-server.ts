import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/** A real S3-protocol server (s3rver) on loopback with one bucket, for store tests. */
export type TestS3 = { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string; close(): Promise<void> };

export async function startTestS3(bucket = "zlh-test"): Promise<TestS3> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "zlh-s3rver-"));
  const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const addr = await server.run();
  return {
    endpoint: `http://127.0.0.1:${addr.port}`,
    bucket,
    // s3rver's fixed credentials.
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
