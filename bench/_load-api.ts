import https from "node:https";

/**
 * The load bench's dashboard caller: one keep-alive HTTPS agent and a bare request per call. The
 * generator shares the two cores with what it measures, and fetch (WHATWG streams per call) cost
 * it several times the CPU of this.
 */
export function dashboardCaller(origin: string, sockets: number): (cookie: string) => Promise<boolean> {
  const url = new URL(origin);
  const agent = new https.Agent({ keepAlive: true, maxSockets: sockets, rejectUnauthorized: false });
  return (cookie) =>
    new Promise<boolean>((resolve) => {
      const req = https.request({ host: url.hostname, port: url.port, path: "/api/trpc/monitor.dashboard", agent, headers: { cookie } }, (res) => {
        res.resume();
        res.once("end", () => resolve(res.statusCode === 200));
        res.once("error", () => resolve(false));
      });
      req.once("error", () => resolve(false));
      req.end();
    });
}
