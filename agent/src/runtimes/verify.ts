import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { normalizePath } from "../devenv/path";
import { HttpError } from "../http/errors";
import type { RuntimeMeta } from "./store";

const VERIFY_TIMEOUT_MS = 30_000;

/** The verify command's path inside the install dir, or null when it would leave it. */
export function verifyCommandPath(dir: string, command: string): string | null {
  const p = path.resolve(dir, command);
  return p.startsWith(dir + path.sep) ? p : null;
}

/**
 * Checks an installed runtime: the output (stdout + stderr) of its verify command (relative to the
 * install dir) must match the entry's `expect` regular expression (multi-line: ^ is a line start). Without a verify entry, its bin folders must exist.
 */
export async function verifyRuntime(dir: string, meta: RuntimeMeta): Promise<void> {
  const label = `${meta.name}@${meta.version}`;
  for (const b of meta.bin) {
    if (!existsSync(path.join(dir, b))) throw new HttpError(502, `runtime ${label} failed verification: bin folder ${b} missing`);
  }
  if (!meta.verify) return;
  const cmd = verifyCommandPath(dir, meta.verify.command);
  if (!cmd) throw new HttpError(502, `runtime ${label} failed verification: command ${meta.verify.command} is outside the install`);
  const output = await new Promise<string>((resolve) => {
    execFile(
      cmd,
      meta.verify!.args,
      {
        cwd: dir,
        encoding: "utf8",
        timeout: VERIFY_TIMEOUT_MS,
        maxBuffer: 1024 * 1024,
        env: { PATH: normalizePath(meta.bin.map((b) => path.join(dir, b))), HOME: dir, LANG: "C.UTF-8" } as unknown as NodeJS.ProcessEnv,
      },
      (err, stdout, stderr) => resolve(`${stdout}${stderr}${err && !stdout && !stderr ? err.message : ""}`),
    );
  });
  if (!new RegExp(meta.verify.expect, "m").test(output)) {
    throw new HttpError(502, `runtime ${label} failed verification: expected ${JSON.stringify(meta.verify.expect)} in the output of ${meta.verify.command}, got ${JSON.stringify(output.trim().slice(0, 200))}`);
  }
}
