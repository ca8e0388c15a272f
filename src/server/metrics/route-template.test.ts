import path from "node:path";
import { describe, expect, it } from "vitest";
import { appRouteTemplates, createRouteTemplater, routeTemplate } from "./route-template";

describe("route templates for the HTTP histogram", () => {
  it("reads the app's pages and route handlers, route groups removed", () => {
    const t = appRouteTemplates(path.resolve("src/app"));
    expect(t).toEqual(expect.arrayContaining(["/", "/dashboard", "/servers/[id]", "/servers/new", "/api/auth/[...nextauth]", "/api/health"]));
    expect(t.some((x) => x.includes("("))).toBe(false);
  });

  it("maps paths to templates, ids to [id], literals before dynamic segments", () => {
    expect(routeTemplate("/servers/new")).toBe("/servers/new");
    expect(routeTemplate("/servers/cmabc123xyz?tab=console")).toBe("/servers/[id]");
    expect(routeTemplate("/api/trpc/monitor.server,servers.list?batch=1")).toBe("/api/trpc/[trpc]");
    expect(routeTemplate("/api/auth/callback/credentials")).toBe("/api/auth/[...nextauth]");
    expect(routeTemplate("/_next/static/chunks/abc.js")).toBe("/_next/static/[...path]");
    expect(routeTemplate("/")).toBe("/");
    expect(routeTemplate("/metrics")).toBe("/metrics");
    expect(routeTemplate("/anything", { ideHost: true })).toBe("ide");
  });

  it("keeps label values bounded: unknown and random paths are all 'other'", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(routeTemplate(`/wp-admin/${Math.random().toString(36)}/x${i}.php`));
    seen.add(routeTemplate("/servers/a/b/c"));
    expect([...seen]).toEqual(["other"]);
  });

  it("a templater over a fixed list matches catch-alls and optional trailing slashes", () => {
    const t = createRouteTemplater(["/a/[x]", "/a/b", "/files/[...path]"]);
    expect(t("/a/b/")).toBe("/a/b");
    expect(t("/a/zzz")).toBe("/a/[x]");
    expect(t("/files/1/2/3")).toBe("/files/[...path]");
  });
});
