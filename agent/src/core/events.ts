import type { ServerResponse } from "node:http";
import type { AgentContext } from "../context";
import { AGENT_EVENT, agentEventSchema, type AgentEvent } from "../contract/events";

const PING_MS = 15_000;
/** A client this far behind is dropped rather than buffered without bound. */
const MAX_BUFFERED = 1024 * 1024;

/**
 * GET /events: Server-Sent Events. Sends `initial()` first (current state and progress), then every
 * valid AgentEvent emitted on ctx.events. Returns a closer for shutdown.
 */
export function registerEventStream(ctx: AgentContext, initial: () => AgentEvent[]): () => void {
  const clients = new Set<ServerResponse>();
  ctx.router.get("/events", ({ req, res }) => {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    const write = (ev: AgentEvent) => {
      if (res.writableLength > MAX_BUFFERED) return void res.destroy();
      res.write(`data: ${JSON.stringify(ev)}\n\n`);
    };
    const onEvent = (ev: unknown) => {
      const parsed = agentEventSchema.safeParse(ev);
      if (parsed.success) write(parsed.data);
      else ctx.log.debug({ ev }, "dropped an event that does not match the contract");
    };
    for (const ev of initial()) write(ev);
    ctx.events.on(AGENT_EVENT, onEvent);
    const ping = setInterval(() => res.write(": ping\n\n"), PING_MS);
    clients.add(res);
    const close = () => {
      clearInterval(ping);
      ctx.events.off(AGENT_EVENT, onEvent);
      clients.delete(res);
    };
    req.once("close", close);
    res.once("close", close);
  });
  return () => {
    for (const res of clients) res.end();
  };
}
