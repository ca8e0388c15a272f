import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/**
 * The request a piece of work belongs to. server.ts opens a scope per HTTP request and upgrade; the
 * logger's mixin stamps every line inside it with the request id (and whatever a handler learns
 * later: the user, the server), and the agent client forwards the id to agents. The storage lives
 * on globalThis because Next bundles route handlers apart from server.ts and both must see it.
 */
export type RequestScope = { reqId: string; userId?: string; serverId?: string; vmid?: number };

const g = globalThis as unknown as { __zlhRequestScope?: AsyncLocalStorage<RequestScope> };
const storage = (g.__zlhRequestScope ??= new AsyncLocalStorage<RequestScope>());

export const REQUEST_ID_HEADER = "x-request-id";

/** A caller's own id is kept when it is short and plain (a proxy's id ties its logs to ours). */
const CALLER_ID = /^[A-Za-z0-9._-]{8,64}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const v = Array.isArray(header) ? header[0] : header;
  return v && CALLER_ID.test(v) ? v : randomUUID();
}

export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.reqId;
}

/** Adds what a handler learned (the signed-in user, the server it acts on) to the current scope. */
export function annotateScope(fields: Omit<Partial<RequestScope>, "reqId">): void {
  const s = storage.getStore();
  if (!s) return;
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (s as Record<string, unknown>)[k] = v;
}

/** The header that carries the current request id to an agent (empty outside a request). */
export function requestIdHeaders(): Record<string, string> {
  const id = currentRequestId();
  return id ? { [REQUEST_ID_HEADER]: id } : {};
}
