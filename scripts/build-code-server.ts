import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { codeServerBuilder } from "./artifacts/builders/code-server";

/**
 * Builds the code-server artifact (cached by version) and prints one JSON line:
 * { file, sha256, size, cached, entry }. Usage: `tsx scripts/build-code-server.ts [version]`.
 * Cache folder: $ZLH_CACHE_DIR or ~/.cache/zeroLagHub.
 */
export function defaultCacheDir(): string {
  return process.env.ZLH_CACHE_DIR ?? path.join(os.homedir(), ".cache", "zeroLagHub");
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function main(): Promise<void> {
  const version = process.argv[2] ?? (await codeServerBuilder.versions())[0]!;
  const ok = await codeServerBuilder.available();
  if (ok !== true) throw new Error(ok);
  const result = await codeServerBuilder.build({
    version,
    cacheDir: defaultCacheDir(),
    onProgress: (p) => process.stderr.write(`[${p.step}] ${p.message ?? ""}\n`),
  });
  const sha256 = await sha256File(result.file);
  const { size } = await stat(result.file);
  process.stdout.write(`${JSON.stringify({ file: result.file, sha256, size, cached: result.cached, entry: result.entry })}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`build-code-server: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
