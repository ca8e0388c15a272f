import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError, type AnyTRPCRouter, type inferRouterContext } from "@trpc/server";
import { resolveResponse, type HTTPErrorHandler } from "@trpc/server/http";

/**
 * tRPC's own resolveResponse, fed from node:http without the undici Request that tRPC's node
 * adapter builds per call. That Request ties its signal to the caller's with a WeakRef and a
 * FinalizationRegistry entry, and V8's scavenger keeps WeakRef targets alive, so every call's
 * request machinery was promoted to the old generation. Under the load bench that was most of
 * a portal's promotion, and the major collections it forced were its latency bursts. (Node 20's
 * AbortSignals themselves are promoted too, even dead ones: 20,000 unreferenced
 * `new AbortController().signal` leave 1.5 MB in the old generation after three young
 * collections, plain objects holding two Maps each (as a signal does) 0.02 MB. resolveResponse makes four per
 * call and this adapter one.) tRPC only
 * reads method, url, headers, signal and json() from the request: that is all this one has. A
 * body that is not JSON (form data, octet streams) takes the stock adapter instead.
 */
export interface NodeTrpcRequest {
  req: IncomingMessage;
  res: ServerResponse;
  path: string;
  /** The request's headers, as createContext also sees them. */
  headers: Headers;
  maxBodySize: number;
}

/** Headers from node's parsed ones (HTTP/2 pseudo-headers left out, as tRPC's adapter does). */
export function headersOf(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k.startsWith(":")) continue;
    for (const value of Array.isArray(v) ? v : [v]) h.append(k, value);
  }
  return h;
}

/** True when the light request below can carry this call (no body, or a JSON one). */
export function servesLight(req: IncomingMessage): boolean {
  if (req.method === "GET" || req.method === "HEAD") return true;
  const type = req.headers["content-type"]?.split(";", 1)[0]?.trim().toLowerCase();
  return type === undefined || type === "application/json";
}

class LightRequest {
  readonly method: string;
  /** resolveResponse reads only the query from it; the Host header (the caller's to choose) is not used. */
  readonly url: string;
  readonly signal: AbortSignal;
  /** Set when the body was refused for size: the connection is closed after the answer. */
  tooLarge = false;

  constructor(
    private readonly req: IncomingMessage,
    readonly headers: Headers,
    signal: AbortSignal,
    private readonly maxBodySize: number,
  ) {
    this.method = req.method ?? "GET";
    this.url = `http://localhost${req.url ?? "/"}`;
    this.signal = signal;
  }

  /** The body, refused past the limit without reading on (the connection is closed after the answer). */
  text(): Promise<string> {
    const req = this.req;
    if (req.readableEnded) return Promise.reject(new TRPCError({ code: "BAD_REQUEST", message: "The request body was already read." }));
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const settle = (fn: () => void) => {
        req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
        fn();
      };
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= this.maxBodySize) return void chunks.push(chunk);
        this.tooLarge = true;
        req.pause();
        settle(() => reject(new TRPCError({ code: "PAYLOAD_TOO_LARGE" })));
      };
      const onEnd = () => settle(() => resolve(Buffer.concat(chunks).toString("utf8")));
      const onError = (err: Error) => settle(() => reject(err));
      const onClose = () => settle(() => reject(new TRPCError({ code: "CLIENT_CLOSED_REQUEST" })));
      req.on("data", onData).once("end", onEnd).once("error", onError).once("close", onClose);
    });
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

async function writeBody(res: ServerResponse, body: ReadableStream<Uint8Array>, signal: AbortSignal): Promise<void> {
  const reader = body.getReader();
  // A caller that leaves cancels the body, which tells streaming procedures to stop.
  const cancel = () => void reader.cancel().catch(() => {});
  if (signal.aborted) return cancel();
  signal.addEventListener("abort", cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || signal.aborted) return;
      if (!res.write(value)) await new Promise<void>((resolve) => {
        const go = () => {
          res.off("drain", go);
          res.off("close", go);
          resolve();
        };
        res.on("drain", go);
        res.on("close", go);
      });
    }
  } finally {
    signal.removeEventListener("abort", cancel);
  }
}

export async function serveTrpc<TRouter extends AnyTRPCRouter>(
  r: NodeTrpcRequest,
  opts: {
    router: TRouter;
    maxBatchSize: number;
    createContext: () => Promise<inferRouterContext<TRouter>>;
    onError: HTTPErrorHandler<TRouter, IncomingMessage>;
  },
): Promise<void> {
  const { req, res } = r;
  const ac = new AbortController();
  const onClose = () => {
    if (!res.writableEnded) ac.abort();
  };
  res.once("close", onClose);
  const request = new LightRequest(req, r.headers, ac.signal, r.maxBodySize);
  try {
    const response = await resolveResponse({
      router: opts.router,
      req: request as unknown as Request,
      path: r.path,
      error: null,
      maxBatchSize: opts.maxBatchSize,
      createContext: () => opts.createContext(),
      onError: (o) => opts.onError({ ...o, req }),
    });
    res.statusCode = response.status;
    for (const [key, value] of response.headers) if (key !== "set-cookie") res.setHeader(key, value);
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) res.setHeader("set-cookie", cookies);
    if (request.tooLarge) res.setHeader("connection", "close");
    // Plain answers are one JSON string: written at once, without pumping a stream.
    if (!isStreamed(response) || !response.body) {
      res.end(await response.text());
      return;
    }
    await writeBody(res, response.body, ac.signal);
    res.end();
  } catch (cause) {
    // resolveResponse answers procedure errors itself; reaching here is our fault or a torn socket.
    const error = cause instanceof TRPCError ? cause : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause });
    opts.onError({ error, type: "unknown", path: undefined, input: undefined, ctx: undefined, req });
    if (res.headersSent) res.destroy();
    else res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Internal server error" } }));
  } finally {
    res.off("close", onClose);
    // Node would read an unconsumed body to its end before closing: cut it once the answer is out.
    if (request.tooLarge) res.once("finish", () => req.socket.destroy());
  }
}

/** resolveResponse sends jsonl batches chunked and subscriptions as SSE; anything else is one JSON document. */
function isStreamed(response: Response): boolean {
  return response.headers.has("transfer-encoding") || response.headers.get("content-type") === "text/event-stream";
}
