import os from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * Artifact settings from the environment (read on every call so the CLI's --data-dir and tests can
 * set them; parsing a handful of variables is cheap). ZLH_DATA_DIR and PORT mirror src/env.ts.
 */
const schema = z.object({
  ZLH_DATA_DIR: z.string().min(1).default(".data"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Where agents and the portal read the catalog from; unset = this portal's /artifacts/. */
  ZLH_ARTIFACTS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** PEM ed25519 private key that signs catalog.json (else <data>/artifacts-signing.pem). */
  ZLH_ARTIFACTS_SIGNING_KEY: z.string().includes("PRIVATE KEY", { message: "must be a PEM private key" }).optional(),
  /** base64 SPKI public key of a catalog signed elsewhere (remote stores). */
  ZLH_ARTIFACTS_PUBLIC_KEY: z.string().min(40).optional(),
  /**
   * First run: "1" prepares every default artifact missing from the local store at start, "0" none,
   * a comma list (e.g. "node,flying-squid") only those builders.
   */
  ZLH_SEED_ARTIFACTS: z
    .string()
    .regex(/^(0|1|[a-z0-9][a-z0-9.-]*(,[a-z0-9][a-z0-9.-]*)*)$/, 'must be 0, 1 or a comma list of builder names')
    .default("1"),
  /** Build cache (npm packs, staged trees, finished tarballs). */
  ZLH_CACHE_DIR: z.string().min(1).optional(),
});

export type ArtifactsConfig = z.infer<typeof schema> & { dataDir: string; cacheDir: string };

export function artifactsConfig(source: NodeJS.ProcessEnv = process.env): ArtifactsConfig {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid environment: ${issue.path.join(".")}: ${issue.message}`);
  }
  const c = parsed.data;
  return {
    ...c,
    dataDir: path.resolve(c.ZLH_DATA_DIR),
    cacheDir: path.resolve(c.ZLH_CACHE_DIR ?? path.join(os.homedir(), ".cache", "zeroLagHub")),
  };
}

/** The local store folder inside a data folder. */
export function storeDirOf(dataDir: string): string {
  return path.join(dataDir, "artifacts");
}
