import type { IncomingMessage, ServerResponse } from "node:http";
import { env } from "../../env";
import { parseDevHost } from "../ide/host";
import { REQUEST_ID_HEADER, requestIdFrom, runInRequestScope } from "../log/request-scope";
import { observeHttp } from "../metrics/http-observer";

/**
 * Opens the scope one request runs in (server.ts wraps every request and upgrade with it): a
 * request id taken from a plain caller id or made up, put on the request for Next's handlers and
 * on the response for the caller, a latency observation, and the logging scope (vmid on IDE hosts).
 */
export function inRequestScope<T>(req: IncomingMessage, res: ServerResponse | null, fn: (reqId: string) => T): T {
  const reqId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  req.headers[REQUEST_ID_HEADER] = reqId;
  const host = parseDevHost(req.headers.host, env.ZLH_DEV_DOMAIN);
  if (res) {
    res.setHeader(REQUEST_ID_HEADER, reqId);
    observeHttp(req, res, host.kind !== "other");
  }
  return runInRequestScope({ reqId, ...(host.kind === "dev" ? { vmid: host.vmid } : {}) }, () => fn(reqId));
}
