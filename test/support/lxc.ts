import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { artifactsConfig } from "../../src/server/artifacts/config";
import { TEMPLATE_NAME } from "../../src/server/provisioning/providers/lxc-template-id";
import { templateBuilder } from "../../scripts/artifacts/builders/template";
import type { TestArtifactServer } from "./artifact-server";

/**
 * Real LXC for tests: whether this machine can run the lxc provider (root + LXC), and the container
 * template published into a test artifact store (built once into the artifact cache, ~1 min, then reused).
 */
export function lxcAvailable(): true | string {
  if (process.getuid?.() !== 0) return "not root";
  if (!existsSync("/usr/bin/lxc-start")) return "LXC is not installed (bash scripts/system-deps.sh)";
  try {
    execFileSync("sh", ["-c", "command -v slirp4netns"]);
  } catch {
    return "slirp4netns is not installed (bash scripts/system-deps.sh)";
  }
  return true;
}

export async function publishTemplate(artifacts: TestArtifactServer): Promise<void> {
  const avail = await templateBuilder.available();
  if (avail !== true) throw new Error(`cannot build the container template: ${avail}`);
  const [version] = await templateBuilder.versions();
  const built = await templateBuilder.build({ version: version!, cacheDir: artifactsConfig().cacheDir, onProgress: () => {} });
  await artifacts.publishFile(built.file, { kind: "template", name: TEMPLATE_NAME, version: version!, displayName: built.entry.displayName });
}
