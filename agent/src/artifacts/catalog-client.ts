import type { AgentContext } from "../context";
import { catalogSchema, type ArtifactKind, type ArtifactRef, type Catalog } from "../contract/catalog";
import { verifyCatalogSignature } from "../contract/catalog-signature";
import { HttpError } from "../http/errors";
import { getViaSocket } from "./socket-get";
import { absoluteArtifactUrl, resolveEntry, type ResolvedArtifact } from "./resolve";

export type { ResolvedArtifact } from "./resolve";

const CATALOG_LIMIT = 8 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;

async function fetchBytes(url: string, limit: number, socketPath: string | undefined): Promise<Buffer> {
  if (socketPath) return getViaSocket(url, limit, socketPath, FETCH_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (err) {
    throw new HttpError(502, `artifact server unreachable: ${(err as Error).message}`);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new HttpError(502, `artifact server answered ${res.status} for ${new URL(url).pathname}`);
  }
  const declared = Number(res.headers.get("content-length") ?? 0);
  if (declared > limit) throw new HttpError(502, `${new URL(url).pathname} is too large`);
  const buf = Buffer.from(await res.arrayBuffer());
  if (buf.length > limit) throw new HttpError(502, `${new URL(url).pathname} is too large`);
  return buf;
}

/**
 * The artifact catalog from the artifact server, fetched fresh for every lookup (concurrent lookups
 * share one fetch) so installs always reflect what the server offers. With a configured public key
 * the ed25519 signature must match; without one the catalog is accepted, logged and reported as
 * unverified in /status.
 */
export class CatalogClient {
  /** Whether the last catalog fetched passed the signature check. */
  verified = false;
  private inflight?: Promise<Catalog>;
  private warned = false;
  readonly catalogUrl: string;

  constructor(private ctx: AgentContext) {
    const base = ctx.config.artifacts.endsWith("/") ? ctx.config.artifacts : `${ctx.config.artifacts}/`;
    this.catalogUrl = new URL("catalog.json", base).href;
  }

  get(): Promise<Catalog> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  async resolve(ref: ArtifactRef, kind: ArtifactKind): Promise<ResolvedArtifact> {
    const entry = resolveEntry(await this.get(), ref, kind);
    return { ...entry, absoluteUrl: absoluteArtifactUrl(entry.url, this.catalogUrl) };
  }

  private async load(attempt = 1): Promise<Catalog> {
    const key = this.ctx.config.catalogPublicKey;
    const [bytes, sig] = await Promise.all([
      fetchBytes(this.catalogUrl, CATALOG_LIMIT, this.ctx.config.artifactsSocket),
      key ? fetchBytes(`${this.catalogUrl}.sig`, 4096, this.ctx.config.artifactsSocket).catch(() => null) : Promise.resolve(null),
    ]);
    if (key) {
      if (!sig || !verifyCatalogSignature(bytes, sig.toString("utf8"), key)) {
        // The two files may have been read on either side of a publish: look once more.
        if (attempt === 1) {
          await new Promise((r) => setTimeout(r, 300));
          return this.load(2);
        }
        this.verified = false;
        this.ctx.log.error({ url: this.catalogUrl }, "catalog signature invalid");
        throw new HttpError(502, "catalog signature invalid");
      }
    } else if (!this.warned) {
      this.warned = true;
      this.ctx.log.warn({ url: this.catalogUrl }, "no catalog public key configured: accepting the catalog unverified");
    }
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString("utf8"));
    } catch {
      throw new HttpError(502, "catalog is not valid JSON");
    }
    const parsed = catalogSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HttpError(502, `catalog invalid: ${issue.path.join(".")}: ${issue.message}`);
    }
    this.verified = Boolean(key);
    return parsed.data;
  }
}

const clients = new WeakMap<AgentContext, CatalogClient>();

/** The agent's shared catalog client (one per agent context). */
export function getCatalogClient(ctx: AgentContext): CatalogClient {
  let c = clients.get(ctx);
  if (!c) clients.set(ctx, (c = new CatalogClient(ctx)));
  return c;
}
