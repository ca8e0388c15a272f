import type { ArtifactEntry } from "../../agent/src/contract";

/**
 * A builder makes one artifact tarball from sources reachable here (npm packages, the machine's
 * toolchains). `npm run artifacts -- build <name>[@version]` runs it, then publishes the result.
 * Builds are cached by version under the cache folder (~/.cache/zeroLagHub by default).
 */
export type BuildResult = {
  /** The .tar.gz (or single file for mods) ready to publish. */
  file: string;
  /** Catalog fields the builder knows; url, sha256 and size are filled in by publish. */
  entry: Omit<ArtifactEntry, "url" | "sha256" | "size">;
  cached: boolean;
};

export type BuildProgress = (p: { step: string; done?: number; total?: number; message?: string }) => void;

export type ArtifactBuilder = {
  name: string;
  kind: ArtifactEntry["kind"];
  /** Versions this builder can make here; the first is the default. */
  versions(): Promise<string[]> | string[];
  /** Whether this machine can build it (e.g. a toolchain is present); a reason when not. */
  available(): Promise<true | string> | true | string;
  build(opts: { version: string; cacheDir: string; onProgress: BuildProgress }): Promise<BuildResult>;
};
