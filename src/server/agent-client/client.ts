import type WebSocket from "ws";
import type { z } from "zod";
import {
  agentEventSchema,
  agentStatusSchema,
  provisionPayloadSchema,
  provisionResponseSchema,
  type AgentEvent,
  type AgentStatus,
  type ProvisionPayload,
} from "../../../agent/src/contract";
import { backoffDelay, isRetryable } from "./backoff";
import { AgentResponseError, AgentUnauthorizedError, AgentUnreachableError } from "./errors";
import { agentFetch, agentWebSocket, type AgentEndpoint } from "./transport";

/** Agent events are small JSON lines; a frame this long is not one. */
const MAX_EVENT_FRAME_CHARS = 1024 * 1024;
import { requestIdHeaders } from "../log/request-scope";

/**
 * The portal's client for one agent: bearer token on every call, a timeout per attempt, retries
 * with backoff for idempotent calls (GET, and POST /provision which the agent makes idempotent),
 * responses parsed with the agent's own contract schemas. Every call goes through the transport
 * (Unix socket, plain TCP, or TLS pinned to the agent's certificate).
 */
export type AgentClientOptions = {
  url: string;
  /** sha256 fingerprint of the agent's certificate (https endpoints). */
  pin?: string | null;
  token: string;
  timeoutMs?: number;
  retries?: number;
};

type CallOptions<T extends z.ZodType> = {
  method: string;
  path: string;
  body?: unknown;
  schema: T;
  idempotent: boolean;
  timeoutMs?: number;
  retries?: number;
  signal?: AbortSignal;
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

export class AgentClient {
  readonly url: string;
  readonly endpoint: AgentEndpoint;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly retries: number;

  constructor(opts: AgentClientOptions) {
    this.url = opts.url.replace(/\/+$/, "");
    this.endpoint = { url: this.url, pin: opts.pin ?? null };
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.retries = opts.retries ?? 3;
  }

  /** Unauthenticated liveness: true when /healthz answers 200 within the timeout. */
  async healthy(timeoutMs = 2_000): Promise<boolean> {
    try {
      const r = await agentFetch(this.endpoint, "/healthz", { signal: AbortSignal.timeout(timeoutMs) });
      await r.body?.cancel();
      return r.ok;
    } catch {
      return false;
    }
  }

  status(opts: { signal?: AbortSignal; timeoutMs?: number; retries?: number } = {}): Promise<AgentStatus> {
    return this.call({ method: "GET", path: "/status", schema: agentStatusSchema, idempotent: true, ...opts });
  }

  provision(payload: ProvisionPayload, opts: { signal?: AbortSignal } = {}): Promise<AgentStatus> {
    const body = provisionPayloadSchema.parse(payload);
    return this.call({ method: "POST", path: "/provision", body, schema: provisionResponseSchema, idempotent: true, ...opts });
  }

  /** Any other JSON route of the agent; retried only when the caller says the call is idempotent. */
  request<T extends z.ZodType>(method: string, path: string, schema: T, opts: { body?: unknown; idempotent?: boolean; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<z.infer<T>> {
    return this.call({ method, path, schema, idempotent: opts.idempotent ?? method === "GET", body: opts.body, timeoutMs: opts.timeoutMs, signal: opts.signal });
  }

  /** Opens one of the agent's WebSocket routes (console, logs) with the bearer token. */
  openWebSocket(path: string, opts: { protocols?: string[] } = {}): WebSocket {
    return agentWebSocket(this.endpoint, path, { protocols: opts.protocols, headers: { authorization: `Bearer ${this.token}`, ...requestIdHeaders() }, handshakeTimeout: this.timeoutMs });
  }

  /**
   * Follows GET /events (SSE) until the signal aborts or the agent closes the stream. Each parsed
   * event goes to onEvent; lines that fail the contract are skipped, not fatal.
   */
  async followEvents(onEvent: (ev: AgentEvent) => void, signal: AbortSignal): Promise<void> {
    let res: Response;
    try {
      // An endless stream, read frame by frame: bounded per frame below instead of in total.
      res = await agentFetch(this.endpoint, "/events", {
        headers: { authorization: `Bearer ${this.token}`, accept: "text/event-stream", ...requestIdHeaders() },
        signal,
        maxResponseBytes: Infinity,
      });
    } catch (err) {
      if (signal.aborted) return;
      throw new AgentUnreachableError(this.url, err);
    }
    if (res.status === 401) throw new AgentUnauthorizedError(this.url);
    if (!res.ok || !res.body) throw new AgentResponseError(res.status, await res.text().catch(() => ""));
    const decoder = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        // A frame that never ends would grow without bound: the agent is misbehaving.
        if (buf.length > MAX_EVENT_FRAME_CHARS) throw new AgentResponseError(502, "agent event frame too large");
        let idx: number;
        while ((idx = buf.indexOf("\n\n")) >= 0) {
          const frame = buf.slice(0, idx);
          buf = buf.slice(idx + 2);
          const data = frame
            .split("\n")
            .filter((l) => l.startsWith("data:"))
            .map((l) => l.slice(5).trimStart())
            .join("\n");
          if (!data) continue;
          try {
            const parsed = agentEventSchema.safeParse(JSON.parse(data));
            if (parsed.success) onEvent(parsed.data);
          } catch {
            // a malformed frame: skip it, the stream goes on
          }
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw new AgentUnreachableError(this.url, err);
    }
  }

  private async call<T extends z.ZodType>(o: CallOptions<T>): Promise<z.infer<T>> {
    const retries = o.idempotent ? (o.retries ?? this.retries) : 0;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        const timeout = AbortSignal.timeout(o.timeoutMs ?? this.timeoutMs);
        res = await agentFetch(this.endpoint, o.path, {
          method: o.method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...requestIdHeaders(),
            ...(o.body !== undefined ? { "content-type": "application/json" } : {}),
          },
          body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
          signal: o.signal ? AbortSignal.any([o.signal, timeout]) : timeout,
        });
      } catch (err) {
        if (o.signal?.aborted) throw o.signal.reason;
        if (attempt < retries && isRetryable({ idempotent: o.idempotent, networkError: true })) {
          await sleep(backoffDelay(attempt), o.signal);
          continue;
        }
        throw new AgentUnreachableError(this.url, err);
      }
      if (res.status === 401) {
        await res.body?.cancel();
        throw new AgentUnauthorizedError(this.url);
      }
      const text = await res.text();
      if (!res.ok) {
        if (attempt < retries && isRetryable({ idempotent: o.idempotent, status: res.status })) {
          await sleep(backoffDelay(attempt), o.signal);
          continue;
        }
        let message = text.slice(0, 500);
        let details: unknown;
        try {
          const j = JSON.parse(text) as { error?: string; details?: unknown };
          if (j.error) message = j.error;
          details = j.details;
        } catch {
          // not JSON: keep the text
        }
        throw new AgentResponseError(res.status, message, details);
      }
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        throw new AgentResponseError(res.status, "agent answered with malformed JSON");
      }
      const parsed = o.schema.safeParse(json);
      if (!parsed.success) throw new AgentResponseError(res.status, `agent answer does not match the contract: ${parsed.error.issues[0]?.message ?? ""}`);
      return parsed.data;
    }
  }
}
