import { TRPCError } from "@trpc/server";
import { z } from "zod";
import {
  modInstallSchema,
  modListSchema,
  installedModSchema,
  runtimeInstallResponseSchema,
  runtimeRollbackResponseSchema,
  runtimesListResponseSchema,
} from "../../../agent/src/contract";
import { loadCatalog } from "../artifacts/index";
import { toTRPCError } from "../files/service";
import { runtimeCatalogView } from "../provisioning/catalog-view";
import { agentClientFor, getServerForUser } from "../provisioning/service";
import { recordEvent } from "../provisioning/events";
import { modOptions } from "./catalog-addons";

/**
 * Runtimes on dev containers and mods on game servers, through the agent's own endpoints
 * (agent/src/runtimes, agent/src/game/mods.ts): the agent resolves the catalog, checks the
 * signature and sha256, and installs. The portal checks ownership, kind and state, and records
 * each change on the server's timeline.
 */
const INSTALL_TIMEOUT_MS = 10 * 60_000;

async function target(userId: string, serverId: string, kind: "dev" | "game") {
  const s = await getServerForUser(userId, serverId);
  if (s.kind !== kind) throw new TRPCError({ code: "BAD_REQUEST", message: kind === "dev" ? "Runtimes are managed on dev containers." : "Mods are for game servers." });
  if (s.status !== "running") throw new TRPCError({ code: "PRECONDITION_FAILED", message: "Start the server first." });
  const client = agentClientFor(s, { retries: 0 });
  if (!client) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "The server's agent is not available." });
  return { s, client };
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toTRPCError(err);
  }
}

export async function runtimesOf(userId: string, serverId: string) {
  const { client } = await target(userId, serverId, "dev");
  const [installed, catalog] = await Promise.all([call(() => client.request("GET", "/runtimes", runtimesListResponseSchema)), loadCatalog()]);
  return { installed: installed.runtimes, available: runtimeCatalogView(catalog).runtimes };
}

export async function installRuntime(userId: string, serverId: string, ref: { name: string; version?: string }) {
  const { s, client } = await target(userId, serverId, "dev");
  const r = await call(() => client.request("POST", "/runtimes/install", runtimeInstallResponseSchema, { body: ref, idempotent: false, timeoutMs: INSTALL_TIMEOUT_MS }));
  await recordEvent(s.id, "action", "done", `Runtime ${r.runtime.name} ${r.runtime.version} ${r.installed ? "installed" : "made current"}${r.previous ? ` (was ${r.previous})` : ""}`);
  return r;
}

export async function rollbackRuntime(userId: string, serverId: string, name: string) {
  const { s, client } = await target(userId, serverId, "dev");
  const r = await call(() => client.request("POST", "/runtimes/rollback", runtimeRollbackResponseSchema, { body: { name }, idempotent: false }));
  await recordEvent(s.id, "action", "done", `Runtime ${name} rolled back to ${r.runtime.version}`);
  return r;
}

export async function removeRuntime(userId: string, serverId: string, name: string, version: string) {
  const { s, client } = await target(userId, serverId, "dev");
  await call(() => client.request("DELETE", `/runtimes/${encodeURIComponent(name)}/${encodeURIComponent(version)}`, z.object({ removed: z.literal(true) }), { idempotent: false }));
  await recordEvent(s.id, "action", "done", `Runtime ${name} ${version} removed`);
  return { removed: true as const };
}

export async function modsOf(userId: string, serverId: string) {
  const { s, client } = await target(userId, serverId, "game");
  const [list, catalog] = await Promise.all([call(() => client.request("GET", "/game/mods", modListSchema)), loadCatalog()]);
  return { ...list, available: modOptions(catalog, { artifact: s.gameTemplate }) };
}

export async function installMod(userId: string, serverId: string, ref: z.infer<typeof modInstallSchema>) {
  const { s, client } = await target(userId, serverId, "game");
  const mod = await call(() => client.request("POST", "/game/mods", installedModSchema, { body: ref, idempotent: false, timeoutMs: INSTALL_TIMEOUT_MS }));
  await recordEvent(s.id, "action", "done", `Mod ${mod.name} ${mod.version} installed (sha256 ${mod.sha256.slice(0, 12)}); restart the game to load it`);
  return mod;
}

export async function removeMod(userId: string, serverId: string, name: string) {
  const { s, client } = await target(userId, serverId, "game");
  await call(() => client.request("DELETE", `/game/mods/${encodeURIComponent(name)}`, z.unknown(), { idempotent: false }));
  await recordEvent(s.id, "action", "done", `Mod ${name} removed; restart the game to unload it`);
  return { removed: true as const };
}
