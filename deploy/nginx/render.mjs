#!/usr/bin/env node
// Renders deploy/nginx/zerolaghub.conf for one deployment (and for the test harness, which uses the
// same file). Usage:
//   node deploy/nginx/render.mjs --listen 443 --portal-host portal.example.com \
//     --dev-domain zerolaghub.dev --cert /etc/ssl/zlh.crt --key /etc/ssl/zlh.key \
//     --upstream 127.0.0.1:3000 --upstream 127.0.0.1:3001 > /etc/nginx/conf.d/zerolaghub.conf
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TEMPLATE = path.join(path.dirname(fileURLToPath(import.meta.url)), "zerolaghub.conf");
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const HOST_PORT = /^[a-z0-9.:[\]-]+:\d{1,5}$/i;
const SAFE_PATH = /^\/[\w./-]+$/;

/** @param {{ listen: string, portalHost: string, devDomain: string, cert: string, key: string, upstreams: string[], accessLog?: string }} o */
export function renderNginx(o) {
  if (!/^(\d{1,5}|[\d.]+:\d{1,5}|\[[\da-f:]+\]:\d{1,5})$/i.test(o.listen)) throw new Error(`--listen: not a port or address:port: ${o.listen}`);
  if (!HOST.test(o.portalHost)) throw new Error(`--portal-host: not a host name: ${o.portalHost}`);
  if (!HOST.test(o.devDomain)) throw new Error(`--dev-domain: not a host name: ${o.devDomain}`);
  const accessLog = o.accessLog ?? "/var/log/nginx/zerolaghub.access.log";
  for (const [k, v] of [["cert", o.cert], ["key", o.key], ["access-log", accessLog]]) if (!SAFE_PATH.test(v)) throw new Error(`--${k}: needs an absolute path: ${v}`);
  if (o.upstreams.length === 0) throw new Error("--upstream: at least one portal instance");
  for (const u of o.upstreams) if (!HOST_PORT.test(u)) throw new Error(`--upstream: not host:port: ${u}`);
  // Comments keep their placeholder names; only directives are filled in.
  const fill = (line) => line
    .replaceAll("__LISTEN__", o.listen)
    .replaceAll("__PORTAL_HOST__", o.portalHost)
    .replaceAll("__DEV_DOMAIN_RE__", o.devDomain.replaceAll(".", "\\."))
    .replaceAll("__CERT__", o.cert)
    .replaceAll("__KEY__", o.key)
    .replaceAll("__ACCESS_LOG__", accessLog)
    .replaceAll("__UPSTREAMS__", o.upstreams.map((u) => `server ${u};`).join("\n    "));
  return readFileSync(TEMPLATE, "utf8").split("\n").map((l) => (l.trimStart().startsWith("#") ? l : fill(l))).join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const o = { listen: "443", portalHost: "", devDomain: "", cert: "", key: "", upstreams: [], accessLog: undefined };
  for (let i = 0; i < args.length; i += 2) {
    const [k, v] = [args[i], args[i + 1] ?? ""];
    if (k === "--listen") o.listen = v;
    else if (k === "--portal-host") o.portalHost = v;
    else if (k === "--dev-domain") o.devDomain = v;
    else if (k === "--cert") o.cert = v;
    else if (k === "--key") o.key = v;
    else if (k === "--upstream") o.upstreams.push(v);
    else if (k === "--access-log") o.accessLog = v;
    else { console.error(`unknown option ${k}`); process.exit(2); }
  }
  try {
    process.stdout.write(renderNginx(o));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
}
