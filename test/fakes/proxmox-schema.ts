import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import path from "node:path";

/**
 * Validates a request to the Proxmox VE API the way the real API does, against the official schema
 * extract `test/fakes/proxmox-ve-api-lxc.json`: a copy of `../shared/reference/proxmox-ve-api-lxc.json`
 * (Proxmox VE 9.1.3, from the pve-docs API viewer data; its "source" field says so). Checked: the path
 * and method exist, path parameters, every parameter's name (additionalProperties 0), type, enum,
 * pattern, minimum/maximum, length, required-ness, and property strings (net0, rootfs, features ...)
 * key by key against their sub-schema; a few simple named formats (node, vmid, dns names, storage ids,
 * IPs and CIDRs, firewall ports/addresses). Other named formats are accepted as the real API might.
 * A refusal is what PVE answers: 400 with `errors` (parameter -> message), or 501 for an unknown
 * method/path.
 */
type Schema = {
  type?: string;
  optional?: number;
  enum?: string[];
  pattern?: string;
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  format?: string | Record<string, Schema>;
  default_key?: number;
  properties?: Record<string, Schema>;
  additionalProperties?: number;
};
type Method = { parameters?: Schema };
type ApiSchema = { source: string; paths: Record<string, Record<string, Method>> };

export const SCHEMA_FILE = path.join(path.dirname(new URL(import.meta.url).pathname), "proxmox-ve-api-lxc.json");

let cached: ApiSchema | undefined;
export function loadSchema(): ApiSchema {
  return (cached ??= JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as ApiSchema);
}

export type Validation =
  | { ok: true; route: string; params: Record<string, string> }
  | { ok: false; status: 400; errors: Record<string, string> }
  | { ok: false; status: 501; message: string };

/** Perl's `(?^:...)` groups are plain non-capturing groups in JavaScript; PVE anchors every pattern. */
function compile(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern.replace(/\(\?\^:/g, "(?:")})$`);
}

const BOOL_TRUE = /^(1|true|yes|on)$/i;
const BOOL_FALSE = /^(0|false|no|off)$/i;

const cidr = (v: string, family: 4 | 6) => {
  const [addr, bits, ...rest] = v.split("/");
  if (rest.length || isIP(addr ?? "") !== family) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
};
const port = (p: string) => /^\d{1,5}$/.test(p) && Number(p) >= 1 && Number(p) <= 65535;
const portSpec = (v: string) => v.split(",").every((part) => part.split(":").length <= 2 && part.split(":").every((p) => port(p) || /^[a-z][a-z0-9-]*$/i.test(p)));

/** Named formats simple enough to check here (the rest pass, as documented above). */
const FORMATS: Record<string, (v: string) => boolean> = {
  "pve-node": (v) => /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)$/.test(v),
  "pve-vmid": (v) => /^\d+$/.test(v),
  "pve-storage-id": (v) => /^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(v),
  "pve-iface": (v) => /^[a-zA-Z][a-zA-Z0-9_]{1,20}([:.]\d+)?$/.test(v),
  "dns-name": (v) => /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)\.)*(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)$/.test(v),
  ipv4: (v) => isIP(v) === 4,
  ipv6: (v) => isIP(v) === 6,
  "pve-ipv4-config": (v) => v === "dhcp" || v === "manual" || cidr(v, 4),
  "pve-ipv6-config": (v) => v === "dhcp" || v === "manual" || v === "auto" || cidr(v, 6),
  "mac-addr": (v) => /^[a-f0-9]{2}(?::[a-f0-9]{2}){5}$/i.test(v),
  "pve-fw-dport-spec": portSpec,
  "pve-fw-sport-spec": portSpec,
  "pve-fw-protocol-spec": (v) => /^(?:[a-z][a-z0-9-]*|\d{1,3})$/i.test(v),
  // IP, CIDR or range lists, or an alias / ipset (+name) reference.
  "pve-fw-addr-spec": (v) => /^\+?[A-Za-z][A-Za-z0-9\-_]+$/.test(v) || v.split(",").every((a) => cidr(a, 4) || cidr(a, 6) || /^[\d.]+-[\d.]+$/.test(a)),
};

function typeError(s: Schema, v: string): string | null {
  switch (s.type) {
    case "integer":
      return /^[+-]?\d+$/.test(v) ? null : `type check ('integer') failed - got '${v}'`;
    case "number":
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) ? null : `type check ('number') failed - got '${v}'`;
    case "boolean":
      return BOOL_TRUE.test(v) || BOOL_FALSE.test(v) ? null : `type check ('boolean') failed - got '${v}'`;
    default:
      return null;
  }
}

/** One value against its schema; the message PVE gives, or null. Property strings are checked key by key. */
function checkValue(name: string, s: Schema, v: string, errors: Record<string, string>): void {
  const t = typeError(s, v);
  if (t) return void (errors[name] = t);
  if (s.type === "integer" || s.type === "number") {
    if (s.minimum !== undefined && Number(v) < Number(s.minimum)) return void (errors[name] = `value must have a minimum value of ${s.minimum}`);
    if (s.maximum !== undefined && Number(v) > Number(s.maximum)) return void (errors[name] = `value must have a maximum value of ${s.maximum}`);
  }
  if (s.enum && !s.enum.includes(v)) return void (errors[name] = `value '${v}' does not have a value in the enumeration '${s.enum.join(", ")}'`);
  if (s.minLength !== undefined && v.length < s.minLength) return void (errors[name] = `value must be at least ${s.minLength} characters long`);
  if (s.maxLength !== undefined && v.length > s.maxLength) return void (errors[name] = `value may only be ${s.maxLength} characters long`);
  if (s.pattern && !compile(s.pattern).test(v)) return void (errors[name] = `value does not match the regex pattern`);
  if (typeof s.format === "string") {
    const f = FORMATS[s.format];
    if (f && !f(v)) errors[name] = `value does not match format '${s.format}'`;
    return;
  }
  if (s.format && typeof s.format === "object") checkPropertyString(name, s.format, v, errors);
}

/** `key=value,key=value` with an optional default key, as PVE parses net0, rootfs, features ... */
function checkPropertyString(name: string, format: Record<string, Schema>, v: string, errors: Record<string, string>): void {
  const defaultKey = Object.entries(format).find(([, s]) => s.default_key)?.[0];
  const seen = new Set<string>();
  for (const part of v.split(",")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = eq === -1 ? defaultKey : part.slice(0, eq);
    const value = eq === -1 ? part : part.slice(eq + 1);
    if (!key) return void (errors[name] = `invalid format - value without key, but schema does not define a default key`);
    const sub = format[key];
    if (!sub) return void (errors[`${name}.${key}`] = "property is not defined in schema and the schema does not allow additional properties");
    if (seen.has(key)) return void (errors[name] = `invalid format - duplicate key in comma-separated list property: ${key}`);
    seen.add(key);
    checkValue(`${name}.${key}`, sub, value, errors);
  }
  for (const [key, sub] of Object.entries(format)) {
    if (!sub.optional && !seen.has(key)) errors[`${name}.${key}`] = "property is missing and it is not optional";
  }
}

/** The schema entry for a parameter name, including the numbered `net[n]` family. */
function schemaFor(props: Record<string, Schema>, name: string): Schema | undefined {
  if (props[name]) return props[name];
  const m = /^([a-z]+)(\d+)$/.exec(name);
  return m ? props[`${m[1]}[n]`] : undefined;
}

function matchPath(paths: ApiSchema["paths"], actual: string): { route: string; pathParams: Record<string, string> } | null {
  const segs = actual.split("/").filter(Boolean);
  for (const route of Object.keys(paths)) {
    const parts = route.split("/").filter(Boolean);
    if (parts.length !== segs.length) continue;
    const pathParams: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const p = parts[i]!;
      if (p.startsWith("{")) pathParams[p.slice(1, -1)] = decodeURIComponent(segs[i]!);
      else ok = p === segs[i];
    }
    if (ok) return { route, pathParams };
  }
  return null;
}

/** `path` is the part after /api2/json; `params` the query (GET, DELETE) or form body (POST, PUT). */
export function validateRequest(method: string, actualPath: string, params: Record<string, string>, schema = loadSchema()): Validation {
  const m = matchPath(schema.paths, actualPath);
  const def = m ? schema.paths[m.route]![method] : undefined;
  if (!m || !def) return { ok: false, status: 501, message: `Method '${method} ${actualPath}' not implemented` };
  const props = def.parameters?.properties ?? {};
  const all: Record<string, string> = { ...params, ...m.pathParams };
  const errors: Record<string, string> = {};
  for (const [name, value] of Object.entries(all)) {
    const s = schemaFor(props, name);
    if (!s) {
      if (def.parameters?.additionalProperties === 0) errors[name] = "property is not defined in schema and the schema does not allow additional properties";
      continue;
    }
    checkValue(name, s, value, errors);
  }
  for (const [name, s] of Object.entries(props)) {
    if (!s.optional && !name.endsWith("[n]") && all[name] === undefined) errors[name] = "property is missing and it is not optional";
  }
  if (Object.keys(errors).length) return { ok: false, status: 400, errors };
  return { ok: true, route: m.route, params: all };
}
