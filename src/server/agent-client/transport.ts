import http from "node:http";
import net from "node:net";
import { Readable, type Duplex } from "node:stream";
import tls from "node:tls";
import WebSocket from "ws";

/**
 * The one way the portal reaches an agent. An endpoint is the string stored in Server.agentUrl:
 *   `unix:/abs/path.sock`   the agent's Unix socket (containers on this host)
 *   `http://host:port`      plain TCP (only for endpoints without a pinned certificate)
 *   `https://host:port`     TLS whose certificate's sha256 fingerprint must equal the pin
 * plus, for https, the pin recorded at provisioning. A server with a pin is only reached over TLS
 * with exactly that certificate: the connection is verified before a single request byte (and so
 * the bearer token) is written. HTTP connections are kept alive per endpoint.
 */
export type AgentEndpoint = { url: string; pin?: string | null };
export type EndpointLike = string | AgentEndpoint;

export type ParsedEndpoint =
  | { kind: "unix"; path: string }
  | { kind: "http"; host: string; port: number }
  | { kind: "https"; host: string; port: number; pin: string };

export class AgentTransportError extends Error {
  constructor(
    readonly code: "ENDPOINT_INVALID" | "PIN_REQUIRED" | "PIN_MISMATCH" | "PLAIN_HTTP_REFUSED" | "CONNECT_TIMEOUT" | "RESPONSE_TOO_LARGE" | "HANDOVER_FAILED",
    message: string,
  ) {
    super(message);
  }
}

/** Longest path a Unix socket address can carry on Linux (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;
const CONNECT_TIMEOUT_MS = 10_000;
const FREE_SOCKET_TIMEOUT_MS = 30_000;

/** `AB:CD:...` or `abcd...` to 64 lower-case hex digits; null when it is not a sha256 fingerprint. */
export function normalizePin(pin: string): string | null {
  const hex = pin.replace(/:/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : null;
}

export function parseEndpoint(endpoint: EndpointLike): ParsedEndpoint {
  const { url, pin } = typeof endpoint === "string" ? { url: endpoint, pin: null } : endpoint;
  if (url.startsWith("unix:")) {
    const p = url.slice("unix:".length);
    if (!p.startsWith("/") || p.includes("\0") || Buffer.byteLength(p) > MAX_SOCKET_PATH) throw new AgentTransportError("ENDPOINT_INVALID", `invalid agent socket path: ${url.slice(0, 200)}`);
    if (pin) throw new AgentTransportError("PLAIN_HTTP_REFUSED", "this agent has a pinned certificate: only its https endpoint is accepted");
    return { kind: "unix", path: p };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AgentTransportError("ENDPOINT_INVALID", `invalid agent endpoint: ${url.slice(0, 200)}`);
  }
  if ((u.protocol !== "http:" && u.protocol !== "https:") || !u.hostname || !u.port || u.username || u.password || u.search || u.hash || (u.pathname !== "/" && u.pathname !== "")) {
    throw new AgentTransportError("ENDPOINT_INVALID", `invalid agent endpoint: ${url.slice(0, 200)}`);
  }
  const host = u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
  const port = Number(u.port);
  if (u.protocol === "http:") {
    if (pin) throw new AgentTransportError("PLAIN_HTTP_REFUSED", "this agent has a pinned certificate: plain http to it is refused");
    return { kind: "http", host, port };
  }
  const normalized = pin ? normalizePin(pin) : null;
  if (!normalized) throw new AgentTransportError("PIN_REQUIRED", "an https agent endpoint needs the pinned sha256 fingerprint of its certificate");
  return { kind: "https", host, port, pin: normalized };
}

/** The sha256 fingerprint (normalized) of the certificate a TLS socket's peer presented. */
export function peerFingerprint(socket: tls.TLSSocket): string | null {
  const fp = socket.getPeerCertificate()?.fingerprint256;
  return fp ? normalizePin(fp) : null;
}

/**
 * Opens a connection to the endpoint and calls back once it is usable: TCP/Unix at connect, TLS
 * after the handshake and the fingerprint check (a mismatch destroys the socket unused).
 */
function open(target: ParsedEndpoint, cb: (err: Error | null, socket?: net.Socket) => void, timeoutMs = CONNECT_TIMEOUT_MS): void {
  let done = false;
  const finish = (err: Error | null, s?: net.Socket) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    if (err) {
      socket.destroy();
      cb(err);
    } else cb(null, s);
  };
  const socket =
    target.kind === "unix"
      ? net.connect({ path: target.path })
      : target.kind === "http"
        ? net.connect({ host: target.host, port: target.port, noDelay: true })
        : tls.connect({
            host: target.host,
            port: target.port,
            // The agent's certificate is self-signed: trust comes from the pin, checked below.
            rejectUnauthorized: false,
            servername: net.isIP(target.host) ? undefined : target.host,
            minVersion: "TLSv1.2",
          });
  if (target.kind === "https") socket.setNoDelay(true);
  const timer = setTimeout(() => finish(new AgentTransportError("CONNECT_TIMEOUT", "agent connection timed out")), timeoutMs);
  socket.once("error", (err) => finish(err));
  if (target.kind === "https") {
    socket.once("secureConnect", () => {
      const fp = peerFingerprint(socket as tls.TLSSocket);
      if (fp !== target.pin) return finish(new AgentTransportError("PIN_MISMATCH", "the agent presented a certificate that does not match its pinned fingerprint"));
      socket.removeAllListeners("error");
      finish(null, socket);
    });
  } else {
    socket.once("connect", () => {
      socket.removeAllListeners("error");
      finish(null, socket);
    });
  }
}

/** A keep-alive agent whose connections go to one endpoint (verified before use). */
class EndpointAgent extends http.Agent {
  constructor(readonly target: ParsedEndpoint) {
    super({ keepAlive: true, keepAliveMsecs: 30_000, maxSockets: 128, maxFreeSockets: 16, scheduling: "lifo", timeout: FREE_SOCKET_TIMEOUT_MS });
  }
  // Node's Agent accepts an asynchronous createConnection through its callback.
  override createConnection(_options: http.ClientRequestArgs, cb?: (err: Error | null, stream: Duplex) => void): undefined {
    open(this.target, (err, socket) => cb?.(err, socket!));
    return undefined;
  }
}

/** One agent per endpoint + pin; the oldest are dropped past the cap (their idle sockets time out). */
const MAX_AGENTS = 2048;
const agents = new Map<string, EndpointAgent>();

function agentFor(target: ParsedEndpoint): EndpointAgent {
  const key = target.kind === "unix" ? `unix:${target.path}` : `${target.kind}://${target.host}:${target.port}#${target.kind === "https" ? target.pin : ""}`;
  let a = agents.get(key);
  if (!a) {
    if (agents.size >= MAX_AGENTS) agents.delete(agents.keys().next().value!);
    a = new EndpointAgent(target);
    agents.set(key, a);
  }
  return a;
}

/** Host header and authority for requests to an endpoint (a Unix socket has none of its own). */
function authority(target: ParsedEndpoint): string {
  if (target.kind === "unix") return "agent.local";
  return target.host.includes(":") ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
}

export type AgentFetchInit = {
  method?: string;
  headers?: Record<string, string> | Headers;
  body?: string | Uint8Array | ReadableStream<Uint8Array> | null;
  signal?: AbortSignal;
  /** Accepted for fetch compatibility: streamed bodies are always sent as they come. */
  duplex?: "half";
  /**
   * The most response bytes this call accepts (default DEFAULT_MAX_RESPONSE_BYTES): past it the body
   * errors with RESPONSE_TOO_LARGE. `Infinity` only for streams the caller relays or parses piece
   * by piece with its own bounds (downloads, backups, the event stream).
   */
  maxResponseBytes?: number;
};

/**
 * Agents are not trusted with the portal's memory: a tampered agent could answer any request
 * with gigabytes. Every agent answer the portal reads whole is far smaller than this.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

function tooLarge(limit: number): AgentTransportError {
  return new AgentTransportError("RESPONSE_TOO_LARGE", `agent response larger than ${limit} bytes`);
}

/** The response body as a web stream that errors (and drops the connection) past `limit` bytes. */
function boundedBody(res: http.IncomingMessage, limit: number): ReadableStream<Uint8Array> {
  if (!Number.isFinite(limit)) return Readable.toWeb(res) as ReadableStream<Uint8Array>;
  let seen = 0;
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      res.on("data", (chunk: Buffer) => {
        if (done) return;
        seen += chunk.length;
        if (seen > limit) {
          done = true;
          controller.error(tooLarge(limit));
          res.destroy();
          return;
        }
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
        if ((controller.desiredSize ?? 0) <= 0) res.pause();
      });
      res.once("end", () => {
        if (!done) (done = true), controller.close();
      });
      res.once("error", (err) => {
        if (!done) (done = true), controller.error(err);
      });
    },
    pull: () => void res.resume(),
    cancel: () => {
      done = true;
      res.destroy();
    },
  });
}

const NULL_BODY = new Set([204, 205, 304]);

/** A fetch-like call to an agent: a standard Response whose body streams from the agent. */
export function agentFetch(endpoint: EndpointLike, path: string, init: AgentFetchInit = {}): Promise<Response> {
  let target: ParsedEndpoint;
  try {
    target = parseEndpoint(endpoint);
  } catch (err) {
    return Promise.reject(err);
  }
  if (!path.startsWith("/")) return Promise.reject(new AgentTransportError("ENDPOINT_INVALID", "agent paths start with /"));
  const headers: Record<string, string> = {};
  if (init.headers instanceof Headers) init.headers.forEach((v, k) => (headers[k] = v));
  else if (init.headers) for (const [k, v] of Object.entries(init.headers)) headers[k.toLowerCase()] = v;
  headers.host = authority(target);
  const body = init.body ?? null;
  if (typeof body === "string" || body instanceof Uint8Array) headers["content-length"] = String(Buffer.byteLength(body));
  const replayable = body === null || typeof body === "string" || body instanceof Uint8Array;
  return send(target, path, init, headers, body).catch((err: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
    // A kept-alive connection the agent closed meanwhile (it restarted): once more on a fresh one.
    if (err.reusedSocket && replayable && (err.code === "ECONNRESET" || err.code === "EPIPE")) return send(target, path, init, headers, body);
    throw err;
  });
}

function send(target: ParsedEndpoint, path: string, init: AgentFetchInit, headers: Record<string, string>, body: AgentFetchInit["body"]): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const req = http.request({ agent: agentFor(target), method: init.method ?? "GET", path, headers, signal: init.signal });
    req.once("error", (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.once("response", (res) => {
      const h = new Headers();
      for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
      const status = res.statusCode ?? 502;
      if (NULL_BODY.has(status) || init.method === "HEAD") {
        res.resume();
        resolve(new Response(null, { status, statusText: res.statusMessage, headers: h }));
        return;
      }
      const limit = init.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
      if (Number(res.headers["content-length"] ?? "0") > limit) {
        res.destroy();
        reject(tooLarge(limit));
        return;
      }
      resolve(new Response(boundedBody(res, limit), { status, statusText: res.statusMessage, headers: h }));
    });
    if (body === null) req.end();
    else if (typeof body === "string" || body instanceof Uint8Array) req.end(body);
    else {
      const src = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
      // A failing source (a body cut off at its limit) fails the request with that error.
      src.once("error", (err) => req.destroy(err));
      src.pipe(req);
    }
  });
}

export type AgentWebSocketOptions = {
  headers?: Record<string, string>;
  protocols?: string[];
  handshakeTimeout?: number;
  maxPayload?: number;
};

/** A WebSocket to one of the agent's routes over the endpoint's transport. */
export function agentWebSocket(endpoint: EndpointLike, path: string, opts: AgentWebSocketOptions = {}): WebSocket {
  const target = parseEndpoint(endpoint);
  return new WebSocket(`ws://${authority(target)}${path}`, opts.protocols, {
    agent: agentFor(target),
    headers: opts.headers,
    handshakeTimeout: opts.handshakeTimeout,
    ...(opts.maxPayload ? { maxPayload: opts.maxPayload } : {}),
  });
}

/** A raw, connected (and for https verified) socket to the agent, for tunnels the caller speaks over. */
export function agentConnect(endpoint: EndpointLike, opts: { timeoutMs?: number } = {}): Promise<net.Socket> {
  const target = parseEndpoint(endpoint);
  return new Promise((resolve, reject) => open(target, (err, s) => (err ? reject(err) : resolve(s!)), opts.timeoutMs));
}

/** The Host value requests to this endpoint carry (for callers writing a request head themselves). */
export function agentAuthority(endpoint: EndpointLike): string {
  return authority(parseEndpoint(endpoint));
}
