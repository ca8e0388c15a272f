import type { IncomingMessage, ServerResponse } from "node:http";
import { portalMetrics } from "./registry";
import { routeTemplate } from "./route-template";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The label values of one finished request: template, a known method, and the status class. */
export function httpLabels(url: string | undefined, method: string | undefined, status: number, ideHost: boolean) {
  return {
    route: routeTemplate(url, { ideHost }),
    method: method && METHODS.has(method) ? method : "other",
    status: status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other",
  };
}

/** Times a request from now until its response finishes (or the client goes away). */
export function observeHttp(req: IncomingMessage, res: ServerResponse, ideHost: boolean): void {
  const t0 = process.hrtime.bigint();
  let done = false;
  const record = () => {
    if (done) return;
    done = true;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    portalMetrics().httpDuration.observe(httpLabels(req.url, req.method, res.headersSent || res.writableFinished ? res.statusCode : 499, ideHost), seconds);
  };
  res.once("finish", record);
  res.once("close", record);
}
