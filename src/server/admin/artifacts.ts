import { TRPCError } from "@trpc/server";
import type { Channel } from "../../../agent/src/contract";
import { recordAudit } from "../audit/audit";
import { buildById, enqueueBuild, recentBuilds, type ArtifactBuild } from "../artifacts/build-queue";
import { CatalogError, currentChannels, sortedEntries } from "../artifacts/catalog-ops";
import { artifactsConfig, storeDirOf } from "../artifacts/config";
import { publicKeyOf, signingKeyPem } from "../artifacts/keys";
import { openStore, promoteInStore, readCatalog, rollbackInStore, verifyStore } from "../artifacts/store";

/**
 * The artifact store for the operator: the catalog with its channel stacks, builds with progress,
 * and build/promote/rollback/verify through the same store functions the artifacts CLI calls
 * (builds run the CLI itself, in the build runner). Only for the local store: a store published
 * elsewhere (ZLH_ARTIFACTS_URL) is changed by the CLI on the publishing machine.
 */
type Actor = { id: string; ip: string | null };

function localStore(): { dataDir: string; storeDir: string } {
  const c = artifactsConfig();
  if (c.ZLH_ARTIFACTS_URL) {
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: `Artifacts are served from ${c.ZLH_ARTIFACTS_URL}: change them with the artifacts CLI where that store is published.` });
  }
  return { dataDir: c.dataDir, storeDir: storeDirOf(c.dataDir) };
}

function asBadRequest<T>(fn: () => Promise<T>): Promise<T> {
  return fn().catch((err: unknown) => {
    if (err instanceof CatalogError) throw new TRPCError({ code: "BAD_REQUEST", message: err.message });
    throw err;
  });
}

export type AdminCatalog = {
  remote: string | null;
  entries: { kind: string; name: string; version: string; arch: string; size: number; sha256: string; displayName: string | null; channels: Channel[]; publishedAt: string | null }[];
  channels: { name: string; channel: string; stack: string[] }[];
};

export function adminCatalog(): AdminCatalog {
  const c = artifactsConfig();
  if (c.ZLH_ARTIFACTS_URL) return { remote: c.ZLH_ARTIFACTS_URL, entries: [], channels: [] };
  const catalog = readCatalog(storeDirOf(c.dataDir));
  return {
    remote: null,
    entries: sortedEntries(catalog).map((e) => ({
      kind: e.kind, name: e.name, version: e.version, arch: e.arch, size: e.size, sha256: e.sha256,
      displayName: e.displayName ?? null, channels: currentChannels(catalog, e), publishedAt: e.publishedAt ?? null,
    })),
    channels: Object.entries(catalog.channels)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([name, chans]) => Object.entries(chans ?? {}).map(([channel, stack]) => ({ name, channel, stack: stack ?? [] }))),
  };
}

export function listBuilds(take?: number): Promise<ArtifactBuild[]> {
  return recentBuilds(take);
}

export async function requestBuild(actor: Actor, name: string, version: string): Promise<ArtifactBuild> {
  localStore();
  const { build, created } = await enqueueBuild({ name, version, source: "admin", requestedBy: actor.id });
  if (created) await recordAudit({ actorId: actor.id, action: "admin.artifact_build", targetType: "artifact", targetId: `${name}@${version}`, ip: actor.ip });
  return build;
}

/** Queues a failed build again (the wizard's and the console's "retry"). */
export async function retryBuild(actor: Actor, buildId: string): Promise<ArtifactBuild> {
  const b = await buildById(buildId);
  if (!b) throw new TRPCError({ code: "NOT_FOUND", message: "No such build." });
  if (b.status !== "failed") throw new TRPCError({ code: "CONFLICT", message: `That build is ${b.status}, not failed.` });
  return requestBuild(actor, b.name, b.version);
}

export async function promoteArtifact(actor: Actor, name: string, version: string, channel: Channel) {
  const { dataDir } = localStore();
  const change = await asBadRequest(async () => promoteInStore(await openStore(dataDir), name, version, channel));
  await recordAudit({ actorId: actor.id, action: "admin.artifact_promote", targetType: "artifact", targetId: `${name}@${version}`, ip: actor.ip, data: { channel, from: change.from ?? null, to: change.to, changed: change.changed } });
  return { from: change.from ?? null, to: change.to, changed: change.changed };
}

export async function rollbackArtifact(actor: Actor, name: string, channel: Channel) {
  const { dataDir } = localStore();
  const change = await asBadRequest(async () => rollbackInStore(await openStore(dataDir), name, channel));
  await recordAudit({ actorId: actor.id, action: "admin.artifact_rollback", targetType: "artifact", targetId: name, ip: actor.ip, data: { channel, from: change.from ?? null, to: change.to } });
  return { from: change.from ?? null, to: change.to };
}

export async function verifyArtifacts(actor: Actor) {
  const { dataDir, storeDir } = localStore();
  const pem = signingKeyPem(dataDir, false);
  const publicKey = artifactsConfig().ZLH_ARTIFACTS_PUBLIC_KEY ?? (pem ? publicKeyOf(pem) : undefined);
  const report = await verifyStore(storeDir, publicKey);
  await recordAudit({ actorId: actor.id, action: "admin.artifact_verify", targetType: "artifact", ip: actor.ip, data: { ok: report.ok, items: report.items.length } });
  return {
    ok: report.ok,
    catalog: report.catalog,
    signature: report.signature,
    items: report.items.map((i) => ({ status: i.status, label: `${i.entry.kind}/${i.entry.name}@${i.entry.version}`, message: "message" in i ? i.message : null })),
    orphans: report.orphans.length,
  };
}
