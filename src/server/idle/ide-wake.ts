import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { db } from "../db/client";
import { escapeHtml, PAGE_HEADERS } from "../ide/pages";
import { agentClientFor } from "../provisioning/agent-for";
import { wakeForAccess } from "./service";
import { touchActivity } from "./activity";

const codeServerView = z.object({ codeServer: z.object({ running: z.boolean(), healthy: z.boolean().optional() }).nullish() });

/** A small self-contained page answered for the IDE link (no scripts; `refreshTo` reloads it after 3 s). */
function page(o: { status: number; title: string; text: string; state: string; refreshTo?: string }): Response {
  const refresh = o.refreshTo ? `\n<meta http-equiv="refresh" content="3;url=${o.refreshTo}">` : "";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${refresh}
<title>${o.title} · ZeroLagHub</title>
<style>body{font:16px/1.5 system-ui,sans-serif;background:#0b1020;color:#e5e7eb;display:grid;place-items:center;min-height:100vh;margin:0}
main{max-width:34rem;padding:2rem;background:#111833;border-radius:12px;box-shadow:0 10px 30px #0006}h1{font-size:1.35rem;margin:0 0 .75rem}p{color:#b6bccb}</style>
</head><body><main data-zlh-ide-page="${o.state}"><h1>${o.title}</h1>
<p>${o.text}</p></main></body></html>
`;
  return new Response(html, { status: o.status, headers: PAGE_HEADERS });
}

function startingPage(selfUrl: string, status: string): Response {
  const what = status === "running" ? "VS Code is starting" : "the container is starting";
  return page({ status: 200, title: "Starting your container…", state: "starting", refreshTo: selfUrl, text: `It was stopped while idle. VS Code opens here by itself as soon as it is up (${what}).` });
}

/**
 * The IDE link of a dev server that is stopped (or just woken): starts it and answers a page that
 * says so and reloads itself until VS Code answers; null when the normal IDE flow should go on.
 * `selfUrl` is the link itself (same origin, no user input in it).
 */
export async function ideWakeResponse(userId: string, ref: { id: string } | { vmid: number }, selfUrl: string): Promise<Response | null> {
  const s = await db.server.findFirst({ where: { ...("id" in ref ? { id: ref.id } : { vmid: ref.vmid }), userId, kind: "dev", enableCodeServer: true } });
  if (!s) return null;
  await touchActivity(s.id);
  const waking = new URL(selfUrl, "http://portal.invalid").searchParams.has("waking");
  const next = new URL(selfUrl, "http://portal.invalid");
  next.searchParams.set("waking", "1");
  if (s.status === "stopped" || s.status === "starting") {
    let w: Awaited<ReturnType<typeof wakeForAccess>>;
    try {
      w = await wakeForAccess(userId, s.id);
    } catch (err) {
      // A suspension: say why here, instead of a page that reloads for a start that never comes.
      if (err instanceof TRPCError && err.code === "FORBIDDEN") return page({ status: 403, title: "Your container cannot start", state: "refused", text: escapeHtml(err.message) });
      throw err;
    }
    return w.starting ? startingPage(next.pathname + next.search, w.status) : null;
  }
  // After a wake the page comes back with ?waking=1 until code-server answers its health check.
  if (s.status !== "running" || !waking) return null;
  const client = agentClientFor(s, { timeoutMs: 3_000, retries: 0 });
  const st = client ? codeServerView.safeParse(await client.status().catch(() => null)) : null;
  const ready = st?.success && st.data.codeServer?.running && st.data.codeServer.healthy !== false;
  return ready ? null : startingPage(next.pathname + next.search, "running");
}
