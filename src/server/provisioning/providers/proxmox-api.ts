import { z } from "zod";

/**
 * A small client for the Proxmox VE HTTP API (api2/json) with an API token. Every answer is a
 * `{"data": ...}` envelope; POST/PUT bodies are form-encoded; long operations answer a task id
 * (UPID) that is polled at /nodes/{node}/tasks/{upid}/status until it stops, then judged by its
 * exitstatus ("OK" or an error text).
 */
export class ProxmoxError extends Error {
  /** The API refused the request itself (400: parameter verification): retrying cannot help. */
  readonly permanent: boolean;
  constructor(message: string, readonly status?: number, permanent = false) {
    super(message);
    this.permanent = permanent;
  }
}

export type ProxmoxApiOptions = {
  /** Base URL such as https://pve.example:8006 (the /api2/json prefix is added here). */
  url: string;
  /** USER@REALM!TOKENID */
  tokenId: string;
  tokenSecret: string;
  timeoutMs?: number;
};

const envelopeSchema = z.object({ data: z.unknown() });

export const taskStatusSchema = z.object({
  status: z.enum(["running", "stopped"]),
  exitstatus: z.string().optional(),
  type: z.string().optional(),
  id: z.string().optional(),
  upid: z.string().optional(),
});

export const lxcStatusSchema = z.object({
  status: z.enum(["running", "stopped"]),
  vmid: z.union([z.number(), z.string()]).optional(),
  name: z.string().optional(),
});

export const lxcInterfaceSchema = z.object({
  name: z.string(),
  hwaddr: z.string().optional(),
  inet: z.string().optional(),
  inet6: z.string().optional(),
});

export function authorizationHeader(tokenId: string, secret: string): string {
  return `PVEAPIToken=${tokenId}=${secret}`;
}

/** Encodes a form body the way the API expects (booleans as 0/1, undefined dropped). */
export function formBody(params: Record<string, string | number | boolean | undefined>): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    out.set(k, typeof v === "boolean" ? (v ? "1" : "0") : String(v));
  }
  return out.toString();
}

export class ProxmoxApi {
  private readonly base: string;
  constructor(private readonly o: ProxmoxApiOptions) {
    this.base = `${o.url.replace(/\/+$/, "")}/api2/json`;
  }

  async call<T extends z.ZodType>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, schema: T, params: Record<string, string | number | boolean | undefined> = {}): Promise<z.infer<T>> {
    const body = formBody(params);
    const withQuery = (method === "GET" || method === "DELETE") && body ? `${path}?${body}` : path;
    let res: Response;
    try {
      res = await fetch(`${this.base}${withQuery}`, {
        method,
        headers: {
          authorization: authorizationHeader(this.o.tokenId, this.o.tokenSecret),
          ...(method === "POST" || method === "PUT" ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
        body: method === "POST" || method === "PUT" ? body : undefined,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new ProxmoxError(`Proxmox API unreachable (${method} ${path}): ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      // PVE puts the reason in the status line and sometimes in {"message"} or {"errors"}.
      let detail = res.statusText;
      let errors: Record<string, string> | undefined;
      try {
        const j = JSON.parse(text) as { message?: string; errors?: Record<string, string> };
        if (j.message) detail = j.message.trim();
        if (j.errors && typeof j.errors === "object") errors = j.errors;
      } catch {
        // not JSON
      }
      if (res.status === 400 && errors) {
        // Parameter verification: name each refused parameter, the way an operator can fix it.
        const list = Object.entries(errors).slice(0, 10).map(([k, v]) => `${k}: ${String(v).slice(0, 200)}`).join("; ");
        throw new ProxmoxError(`Proxmox refused ${method} ${path} (parameter verification failed): ${list}`, 400, true);
      }
      throw new ProxmoxError(`Proxmox API ${method} ${path} failed: ${res.status} ${detail}`.trim(), res.status, res.status === 501);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text || "{}");
    } catch {
      throw new ProxmoxError(`Proxmox API ${method} ${path}: malformed JSON`);
    }
    const parsed = schema.safeParse(envelopeSchema.parse(raw).data);
    if (!parsed.success) throw new ProxmoxError(`Proxmox API ${method} ${path}: unexpected answer: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  /** Waits until the task stops; resolves when its exitstatus is "OK", throws its exitstatus otherwise. */
  async waitTask(node: string, upid: string, timeoutMs: number, pollMs = 500): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const t = await this.call("GET", `/nodes/${encodeURIComponent(node)}/tasks/${encodeURIComponent(upid)}/status`, taskStatusSchema);
      if (t.status === "stopped") {
        if (t.exitstatus === "OK") return;
        throw new ProxmoxError(`Proxmox task ${t.type ?? upid} failed: ${t.exitstatus ?? "no exit status"}`);
      }
      if (Date.now() > deadline) throw new ProxmoxError(`Proxmox task ${upid} did not finish within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }
}
