import { verifyCatalogSignature } from "../../../agent/src/contract/catalog-signature";
import type { ArtifactEntry, Catalog } from "../../../agent/src/contract/catalog";
import { CatalogError, parseCatalog } from "./catalog-ops";
import { artifactsConfig, storeDirOf } from "./config";
import { createArtifactsRoute } from "./http-route";
import { getCatalogPublicKey } from "./keys";
import { CATALOG_FILE, SIGNATURE_FILE, readCatalog } from "./store";

export { getCatalogPublicKey } from "./keys";
export { resolve as resolveArtifact, runtimeOptions, currentChannels, versionsOf, CatalogError, type RuntimeOption } from "./catalog-ops";

/**
 * The portal's view of the artifact server. Agents are given `artifactsBaseUrl()` and
 * `getCatalogPublicKey()`; the runtime dropdown reads `loadCatalog()`.
 */

/** Where agents fetch the catalog and artifacts: ZLH_ARTIFACTS_URL, else this portal's /artifacts/. */
export function artifactsBaseUrl(): string {
  const c = artifactsConfig();
  const base = c.ZLH_ARTIFACTS_URL ?? `http://127.0.0.1:${c.PORT}/artifacts/`;
  return base.endsWith("/") ? base : `${base}/`;
}

/** Absolute download URL of an entry (entries hold URLs relative to the catalog, or absolute ones). */
export function artifactUrl(entry: Pick<ArtifactEntry, "url">, base = artifactsBaseUrl()): string {
  return new URL(entry.url, base).toString();
}

let remoteCache: { url: string; at: number; catalog: Catalog } | undefined;
const REMOTE_TTL_MS = 30_000;

/**
 * The current catalog, validated. Local store: read from disk (a missing store reads as empty).
 * Remote store: fetched with its signature, verified against getCatalogPublicKey(), cached 30 s.
 */
export async function loadCatalog(): Promise<Catalog> {
  const c = artifactsConfig();
  if (!c.ZLH_ARTIFACTS_URL) return readCatalog(storeDirOf(c.dataDir));
  const base = artifactsBaseUrl();
  if (remoteCache && remoteCache.url === base && Date.now() - remoteCache.at < REMOTE_TTL_MS) return remoteCache.catalog;
  const [catRes, sigRes] = await Promise.all([
    fetch(new URL(CATALOG_FILE, base), { signal: AbortSignal.timeout(10_000) }),
    fetch(new URL(SIGNATURE_FILE, base), { signal: AbortSignal.timeout(10_000) }),
  ]);
  if (!catRes.ok || !sigRes.ok) throw new CatalogError(`cannot fetch the catalog from ${base}: HTTP ${catRes.status}/${sigRes.status}`);
  const bytes = Buffer.from(await catRes.arrayBuffer());
  if (!verifyCatalogSignature(bytes, await sigRes.text(), getCatalogPublicKey())) {
    throw new CatalogError(`the catalog at ${base} does not match its signature (check ZLH_ARTIFACTS_PUBLIC_KEY)`);
  }
  const catalog = parseCatalog(JSON.parse(bytes.toString("utf8")));
  remoteCache = { url: base, at: Date.now(), catalog };
  return catalog;
}

/** The /artifacts/ route of the custom server, serving <ZLH_DATA_DIR>/artifacts. */
export const artifactsHttpRoute = createArtifactsRoute({ storeDir: () => storeDirOf(artifactsConfig().dataDir) });
