import path from "node:path";
import { EventEmitter } from "node:events";
import { Registry } from "prom-client";
import type { AgentConfig } from "./config";
import type { Logger } from "./log";
import type { Router } from "./http/router";
import type { ProvisionPayload, ProvisionProgress } from "./contract/provision";

/**
 * What every agent module gets: configuration, logger, router, the container path resolver, a
 * metrics registry, a place to contribute to /status, and shutdown hooks.
 */
export type AgentContext = {
  config: AgentConfig;
  log: Logger;
  router: Router;
  metrics: Registry;
  /** Events for the /events stream (progress, state changes): emit("event", AgentEvent). */
  events: EventEmitter;
  /** Resolves a container path such as /home/dev/workspace under the agent's root folder. */
  containerPath(p: string): string;
  /** Adds a section to GET /status (e.g. "codeServer", "game", "ssh"). */
  addStatus(key: string, get: () => unknown | Promise<unknown>): void;
  /** The contributed status sections, resolved (used by GET /status). */
  collectStatus(): Promise<Record<string, unknown>>;
  /**
   * Adds a step to the provisioning pipeline (run in registration order after the core steps that
   * prepare the dev environment and install the runtime). Steps must be idempotent.
   */
  addProvisionStep(step: ProvisionStep): void;
  /** The contributed provisioning steps, in order (used by the core pipeline). */
  provisionSteps(): ProvisionStep[];
  /** Runs on SIGTERM, in reverse registration order, before the process exits. */
  onShutdown(fn: () => Promise<void> | void): void;
};

export type ProvisionStep = {
  name: string;
  applies(payload: ProvisionPayload): boolean;
  run(payload: ProvisionPayload, progress: (p: Omit<ProvisionProgress, "step">) => void): Promise<void>;
};

export function containerPathUnder(root: string, p: string): string {
  if (!p.startsWith("/")) throw new Error(`container path must be absolute: ${p}`);
  const resolved = path.resolve(root, "." + path.posix.normalize(p));
  // A root of "/" (the agent inside a real container) is its own separator.
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  if (resolved !== root && !resolved.startsWith(prefix)) throw new Error(`path escapes the container: ${p}`);
  return resolved;
}
