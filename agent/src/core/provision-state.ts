import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { AgentContext } from "../context";
import { provisionPayloadSchema, type ProvisionPayload } from "../contract/provision";
import { writeFileAtomic } from "../fs/atomic";

/** What survives an agent restart: the payload, whether its pipeline finished, and why it failed. */
export const STATE_FILE = "/opt/zlh/agent/state.json";

export const savedProvisionSchema = z.object({
  payload: provisionPayloadSchema,
  complete: z.boolean(),
  error: z.string().optional(),
  updatedAt: z.string(),
});
export type SavedProvision = z.infer<typeof savedProvisionSchema>;

export async function loadSavedProvision(ctx: AgentContext): Promise<SavedProvision | null> {
  const file = ctx.containerPath(STATE_FILE);
  const raw = await readFile(file, "utf8").catch(() => null);
  if (raw === null) return null;
  try {
    return savedProvisionSchema.parse(JSON.parse(raw));
  } catch (err) {
    ctx.log.warn({ err: (err as Error).message }, "ignoring an unreadable provisioning state file");
    return null;
  }
}

export async function saveProvision(ctx: AgentContext, s: Omit<SavedProvision, "updatedAt">): Promise<void> {
  const file = ctx.containerPath(STATE_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify({ ...s, updatedAt: new Date().toISOString() }, null, 2), 0o600);
}

/** Key-order independent JSON, so two equal payloads compare equal. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

export const samePayload = (a: ProvisionPayload | undefined, b: ProvisionPayload) => a !== undefined && canonicalJson(a) === canonicalJson(b);
