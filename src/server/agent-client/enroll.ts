import net from "node:net";
import tls from "node:tls";
import { TLS_BINDING_PATH, tlsBindingSchema, tlsBindingValid } from "../../../agent/src/contract/tls";
import { AgentTransportError, parseEndpoint, peerFingerprint } from "./transport";

/**
 * The trusted hand-over of an agent's TLS certificate (see agent/src/contract/tls.ts): connects
 * without a pin, asks GET /tls/binding on that very connection without sending the token, and
 * returns the certificate's fingerprint only when the agent proved, with an HMAC under the bearer
 * token the portal holds, that this certificate is its own. Anything else throws and nothing is
 * pinned. The caller records the fingerprint (encrypted) as the server's pin.
 */
const MAX_ANSWER_BYTES = 8 * 1024;

export async function enrollAgentCertificate(url: string, token: string, timeoutMs = 10_000): Promise<string> {
  // Parsed with a placeholder pin: only the host and port are wanted, and https is required.
  const target = parseEndpoint({ url, pin: "0".repeat(64) });
  if (target.kind !== "https") throw new AgentTransportError("ENDPOINT_INVALID", "only an https agent endpoint has a certificate to pin");
  return new Promise<string>((resolve, reject) => {
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      // Not trusted yet: that is what the binding below settles.
      rejectUnauthorized: false,
      servername: net.isIP(target.host) ? undefined : target.host,
      minVersion: "TLSv1.2",
    });
    let seen: string | null = null;
    let buf = Buffer.alloc(0);
    let settled = false;
    const done = (err: Error | null, pin?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(pin!);
    };
    const timer = setTimeout(() => done(new AgentTransportError("CONNECT_TIMEOUT", "the agent's certificate hand-over timed out")), timeoutMs);
    socket.once("error", (err) => done(err));
    socket.once("secureConnect", () => {
      seen = peerFingerprint(socket);
      const host = target.host.includes(":") ? `[${target.host}]` : target.host;
      socket.write(`GET ${TLS_BINDING_PATH} HTTP/1.1\r\nHost: ${host}:${target.port}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > MAX_ANSWER_BYTES) done(new AgentTransportError("HANDOVER_FAILED", "the agent's certificate binding is too large"));
    });
    socket.once("end", () => {
      const end = buf.indexOf("\r\n\r\n");
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(buf.toString("latin1", 0, 32))?.[1];
      if (end === -1 || status !== "200") return done(new AgentTransportError("HANDOVER_FAILED", `the agent did not hand over its certificate (${status ?? "no answer"})`));
      let parsed: ReturnType<typeof tlsBindingSchema.safeParse>;
      try {
        parsed = tlsBindingSchema.safeParse(JSON.parse(buf.subarray(end + 4).toString("utf8")));
      } catch {
        return done(new AgentTransportError("HANDOVER_FAILED", "the agent's certificate binding is not JSON"));
      }
      if (!parsed.success || !seen) return done(new AgentTransportError("HANDOVER_FAILED", "the agent's certificate binding is malformed"));
      // The certificate of this connection, bound to the token: both must hold.
      if (parsed.data.fingerprint !== seen) return done(new AgentTransportError("PIN_MISMATCH", "the certificate presented is not the one the agent vouches for"));
      if (!tlsBindingValid(parsed.data, token)) return done(new AgentTransportError("HANDOVER_FAILED", "the agent could not prove the certificate is its own (binding does not match the token)"));
      done(null, seen);
    });
  });
}
