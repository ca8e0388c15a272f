import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { artifactsConfig } from "../src/server/artifacts/config";
import { openStore, publishFile } from "../src/server/artifacts/store";
import { codeServerBuilder } from "./artifacts/builders/code-server";

/**
 * Builds the code-server artifact (cached by version under $ZLH_CACHE_DIR or ~/.cache/zeroLagHub)
 * and publishes it to the local artifact store (<data>/artifacts, stable channel). Prints one JSON
 * line: { file, sha256, size, cached, published, entry }.
 *
 *   tsx scripts/build-code-server.ts [version] [--no-publish] [--data-dir DIR]
 *
 * The same as `npm run artifacts -- build code-server --publish`, as a single-purpose script for CI.
 */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { "no-publish": { type: "boolean" }, "data-dir": { type: "string" } },
    allowPositionals: true,
  });
  const version = positionals[0] ?? (await codeServerBuilder.versions())[0]!;
  const ok = await codeServerBuilder.available();
  if (ok !== true) throw new Error(ok);
  const config = artifactsConfig();
  const result = await codeServerBuilder.build({
    version,
    cacheDir: config.cacheDir,
    onProgress: (p) => process.stderr.write(`[${p.step}] ${p.message ?? ""}\n`),
  });
  const sha256 = await sha256File(result.file);
  const { size } = await stat(result.file);
  let published: string | null = null;
  if (!values["no-publish"]) {
    const store = await openStore(values["data-dir"] ? path.resolve(values["data-dir"]) : config.dataDir);
    const r = await publishFile(store, result.file, result.entry, ["stable"]);
    if (r.entry.sha256 !== sha256) throw new Error(`published sha256 ${r.entry.sha256} differs from the built ${sha256}`);
    published = r.path;
  }
  process.stdout.write(`${JSON.stringify({ file: result.file, sha256, size, cached: result.cached, published, entry: result.entry })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`build-code-server: ${(err as Error).message}\n`);
  process.exit(1);
});
