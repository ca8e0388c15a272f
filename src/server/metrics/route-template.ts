import { readdirSync } from "node:fs";
import path from "node:path";

/**
 * The route template a request path belongs to, for the `route` label of the HTTP histogram.
 * Templates come from a closed list: the app's pages and route handlers (read once from src/app,
 * so a new page is covered without touching this file) plus the custom server's own routes. Ids
 * become [id]; anything unknown counts as "other", so a scanner requesting random paths cannot
 * grow the number of series.
 */
const SERVER_TEMPLATES = ["/api/trpc/[trpc]", "/artifacts/[...path]", "/metrics", "/metrics/targets", "/metrics/agents/[serverId]", "/_next/static/[...path]", "/_next/[...path]"];

export const IDE_ROUTE = "ide";
export const OTHER_ROUTE = "other";

/** Templates of every page.tsx / route.ts under an app folder; route groups "(x)" vanish. */
export function appRouteTemplates(appDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, segs: string[]) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        // Private folders (_x) and parallel slots (@x) are not URL segments that serve requests.
        if (e.name.startsWith("_") || e.name.startsWith("@")) continue;
        walk(path.join(dir, e.name), /^\(.*\)$/.test(e.name) ? segs : [...segs, e.name]);
      } else if (/^(page|route)\.(tsx?|jsx?)$/.test(e.name)) {
        out.push("/" + segs.join("/"));
      }
    }
  };
  walk(appDir, []);
  return [...new Set(out)];
}

type Matcher = { template: string; re: RegExp; dynamic: number };

function compile(template: string): Matcher {
  const parts = template.split("/").filter(Boolean);
  const body = parts
    .map((p) => {
      if (/^\[\[?\.\.\./.test(p)) return "(?:/.*)?";
      if (p.startsWith("[")) return "/[^/]+";
      return "/" + p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return { template, re: new RegExp(`^${body}/?$`), dynamic: parts.filter((p) => p.startsWith("[")).length };
}

export type RouteTemplater = (url: string | undefined, opts?: { ideHost?: boolean }) => string;

export function createRouteTemplater(templates: readonly string[]): RouteTemplater {
  // Fewer dynamic segments first, so /servers/new wins over /servers/[id].
  const matchers = [...new Set(templates)].map(compile).sort((a, b) => a.dynamic - b.dynamic || b.template.length - a.template.length);
  return (url, opts = {}) => {
    if (opts.ideHost) return IDE_ROUTE;
    const pathname = (url ?? "/").split("?")[0]!;
    for (const m of matchers) if (m.re.test(pathname)) return m.template;
    return OTHER_ROUTE;
  };
}

let portalTemplater: RouteTemplater | undefined;

/** The portal's templater: src/app next to the working directory the server runs from. */
export function routeTemplate(url: string | undefined, opts?: { ideHost?: boolean }): string {
  portalTemplater ??= createRouteTemplater([...appRouteTemplates(path.resolve("src/app")), ...SERVER_TEMPLATES]);
  return portalTemplater(url, opts);
}
