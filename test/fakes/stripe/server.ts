import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { parseStripeForm, type FormObject, type FormValue } from "./form";
import {
  checkoutSessionObject,
  customerObject,
  invoiceObject,
  nowSeconds,
  portalSessionObject,
  priceObject,
  publicView,
  stripeId,
  subscriptionObject,
  type Obj,
  type PriceSpec,
} from "./objects";

/**
 * A local fake of the parts of Stripe's HTTP API ZeroLagHub calls, for tests only. It speaks the
 * real wire format (form-encoded bodies with bracket keys, Bearer auth, Idempotency-Key replay,
 * Stripe's error envelope), serves a hosted Checkout page and a Customer Portal page, and delivers
 * webhook events signed with the Stripe SDK's own test-header helper.
 *
 * API: POST/GET /v1/customers, POST/GET /v1/checkout/sessions, POST /v1/billing_portal/sessions,
 * GET/POST/DELETE /v1/subscriptions/:id, GET /v1/invoices/:id, GET /v1/prices/:id.
 * Pages: GET /c/pay/:session (Subscribe button -> POST, then 303 to success_url), GET /p/session/:id.
 */
export type FakeStripeOptions = {
  secretKey?: string;
  webhookSecret: string;
  webhookUrl?: string;
  /** Deliver events as they happen (default). Off: tests deliver them, in any order, with deliver(). */
  autoDeliver?: boolean;
  prices?: PriceSpec[];
  host?: string;
  port?: number;
};

export type FakeEvent = Obj & { type: string; created: number; data: { object: Obj; previous_attributes?: Record<string, unknown> } };
export type FakeRequest = { method: string; path: string; idempotencyKey: string | null; status: number };

export const DEFAULT_PRICES: PriceSpec[] = [
  { id: "price_fake_starter", unitAmount: 800, productName: "ZeroLagHub Starter" },
  { id: "price_fake_pro", unitAmount: 2400, productName: "ZeroLagHub Pro" },
];

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

const missing = (kind: string, id: string, param = "id") => new StripeApiError(404, "invalid_request_error", `No such ${kind}: '${id}'`, "resource_missing", param);

function str(v: FormValue | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}
function record(v: FormValue | undefined): Record<string, string> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}
function list(v: FormValue | undefined): FormValue[] {
  if (Array.isArray(v)) return v;
  if (v && typeof v === "object") return Object.values(v);
  return [];
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export class FakeStripe {
  readonly secretKey: string;
  readonly webhookSecret: string;
  webhookUrl: string | undefined;
  autoDeliver: boolean;
  readonly events: FakeEvent[] = [];
  readonly deliveries: { eventId: string; type: string; status: number }[] = [];
  readonly requests: FakeRequest[] = [];
  readonly customers = new Map<string, Obj>();
  readonly sessions = new Map<string, Obj>();
  readonly subscriptions = new Map<string, Obj>();
  readonly invoices = new Map<string, Obj>();
  readonly portalSessions = new Map<string, Obj>();
  readonly prices = new Map<string, Obj>();
  private readonly idempotency = new Map<string, { fingerprint: string; status: number; body: string }>();
  private readonly signer = new Stripe("sk_test_signer");
  private queue: Promise<void> = Promise.resolve();
  private server: http.Server | undefined;
  baseUrl = "";
  host = "127.0.0.1";
  port = 0;

  constructor(private readonly options: FakeStripeOptions) {
    this.secretKey = options.secretKey ?? "sk_test_fake";
    this.webhookSecret = options.webhookSecret;
    this.webhookUrl = options.webhookUrl;
    this.autoDeliver = options.autoDeliver ?? true;
    for (const p of options.prices ?? DEFAULT_PRICES) this.prices.set(p.id, { ...priceObject(p, nowSeconds()), _productName: p.productName });
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.route(req, res));
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", resolve));
    const addr = this.server.address() as AddressInfo;
    this.host = addr.address;
    this.port = addr.port;
    this.baseUrl = `http://${this.host}:${this.port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.idle();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Resolves when every queued webhook delivery has been attempted. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
  }

  // ---------------------------------------------------------------- events and webhooks

  private emit(type: string, object: Obj, previous?: Record<string, unknown>, requestId: string | null = null): FakeEvent {
    const event: FakeEvent = {
      id: stripeId("evt"),
      object: "event",
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      data: { object: structuredClone(publicView(object)), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: this.webhookUrl ? 1 : 0,
      request: { id: requestId, idempotency_key: null },
      type,
    };
    this.events.push(event);
    if (this.autoDeliver && this.webhookUrl) this.enqueue(event.id);
    return event;
  }

  private enqueue(eventId: string): Promise<number> {
    const run = this.queue.then(() => this.send(eventId));
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** (Re)delivers one event to the webhook URL, signed like Stripe signs it; returns the HTTP status. */
  deliver(eventId: string): Promise<number> {
    return this.enqueue(eventId);
  }

  private async send(eventId: string): Promise<number> {
    const event = this.events.find((e) => e.id === eventId);
    if (!event) throw new Error(`no event ${eventId}`);
    if (!this.webhookUrl) throw new Error("no webhook URL configured");
    const payload = JSON.stringify(event, null, 2);
    const signature = this.signer.webhooks.generateTestHeaderString({ payload, secret: this.webhookSecret });
    let status = 0;
    try {
      const res = await fetch(this.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": signature, "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
        body: payload,
        signal: AbortSignal.timeout(60_000),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = 0;
    }
    this.deliveries.push({ eventId, type: event.type, status });
    return status;
  }

  eventsOfType(type: string): FakeEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  // ---------------------------------------------------------------- state changes Stripe makes

  /** What the hosted Checkout page does when the customer pays: subscription, paid invoice, events. */
  completeCheckout(sessionId: string): { redirect: string } {
    const session = this.sessions.get(sessionId);
    if (!session) throw missing("checkout.session", sessionId);
    if (session.status !== "open") return { redirect: this.successRedirect(session) };
    let customer = session.customer as string | null;
    if (!customer) {
      const c = customerObject({ email: (session.customer_email as string | null) ?? "customer@example.test" });
      this.customers.set(c.id, c);
      customer = c.id;
      this.emit("customer.created", c);
    }
    const items = session._line_items as { price: string }[];
    const price = publicView(this.prices.get(items[0]!.price)!);
    const sub = subscriptionObject({ customer, price, metadata: session._subscription_metadata as Record<string, string> });
    const invoice = invoiceObject({ baseUrl: this.baseUrl, subscription: sub, billingReason: "subscription_create", paid: true });
    sub.latest_invoice = invoice.id;
    this.subscriptions.set(sub.id, sub);
    this.invoices.set(invoice.id, invoice);
    Object.assign(session, { status: "complete", payment_status: "paid", customer, subscription: sub.id, invoice: invoice.id });
    // Stripe does not promise an order; this is a typical one, with events we do not handle mixed in.
    this.emit("customer.subscription.created", sub);
    this.emit("invoice.created", invoice);
    this.emit("invoice.finalized", invoice);
    this.emit("invoice.paid", invoice);
    this.emit("invoice.payment_succeeded", invoice);
    this.emit("checkout.session.completed", session);
    return { redirect: this.successRedirect(session) };
  }

  private successRedirect(session: Obj): string {
    return String(session.success_url).replaceAll("{CHECKOUT_SESSION_ID}", session.id);
  }

  /** A renewal payment fails: a new open invoice, the subscription goes past_due. */
  failPayment(subscriptionId: string): Obj {
    const sub = this.subscriptions.get(subscriptionId);
    if (!sub) throw missing("subscription", subscriptionId);
    const invoice = invoiceObject({ baseUrl: this.baseUrl, subscription: sub, billingReason: "subscription_cycle", paid: false });
    this.invoices.set(invoice.id, invoice);
    const previous = { status: sub.status, latest_invoice: sub.latest_invoice };
    Object.assign(sub, { status: "past_due", latest_invoice: invoice.id });
    this.emit("invoice.created", invoice);
    this.emit("invoice.finalized", invoice);
    this.emit("invoice.payment_failed", invoice);
    this.emit("customer.subscription.updated", sub, previous);
    return invoice;
  }

  /** The open invoice is paid (a retry or a new card): the subscription is active again. */
  payLatestInvoice(subscriptionId: string): Obj {
    const sub = this.subscriptions.get(subscriptionId);
    if (!sub) throw missing("subscription", subscriptionId);
    const invoice = this.invoices.get(String(sub.latest_invoice));
    if (!invoice) throw missing("invoice", String(sub.latest_invoice));
    Object.assign(invoice, {
      status: "paid",
      amount_paid: invoice.amount_due,
      amount_remaining: 0,
      attempt_count: Number(invoice.attempt_count) + 1,
      next_payment_attempt: null,
      status_transitions: { ...(invoice.status_transitions as object), paid_at: nowSeconds() },
    });
    const previous = { status: sub.status };
    sub.status = "active";
    this.emit("invoice.paid", invoice);
    this.emit("invoice.payment_succeeded", invoice);
    this.emit("customer.subscription.updated", sub, previous);
    return invoice;
  }

  cancelSubscription(subscriptionId: string, requestId: string | null = null): Obj {
    const sub = this.subscriptions.get(subscriptionId);
    if (!sub) throw missing("subscription", subscriptionId);
    if (sub.status === "canceled") return sub;
    const now = nowSeconds();
    Object.assign(sub, { status: "canceled", canceled_at: now, ended_at: now, cancellation_details: { comment: null, feedback: null, reason: "cancellation_requested" } });
    this.emit("customer.subscription.deleted", sub, undefined, requestId);
    return sub;
  }

  // ---------------------------------------------------------------- HTTP

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.baseUrl);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      if (url.pathname.startsWith("/v1/")) return await this.api(req, res, url, body);
      return this.pages(req, res, url, body);
    } catch (err) {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String((err as Error).stack ?? err));
      }
    }
  }

  private sendJson(res: http.ServerResponse, status: number, body: string, requestId: string, replayed = false): void {
    res.writeHead(status, {
      "content-type": "application/json",
      "request-id": requestId,
      "stripe-version": Stripe.API_VERSION,
      ...(replayed ? { "idempotent-replayed": "true" } : {}),
    });
    res.end(body);
  }

  private async api(req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: string): Promise<void> {
    const requestId = stripeId("req");
    const method = req.method ?? "GET";
    const idempotencyKey = (req.headers["idempotency-key"] as string | undefined) ?? null;
    const record = (status: number) => this.requests.push({ method, path: url.pathname, idempotencyKey, status });
    const fail = (e: StripeApiError) => {
      record(e.status);
      const error = { type: e.type, message: e.message, ...(e.code ? { code: e.code } : {}), ...(e.param ? { param: e.param } : {}), request_log_url: `${this.baseUrl}/logs/${requestId}` };
      this.sendJson(res, e.status, JSON.stringify({ error }), requestId);
    };
    const auth = req.headers.authorization ?? "";
    if (auth !== `Bearer ${this.secretKey}`) {
      const shown = auth.replace(/^Bearer /, "").slice(0, 8);
      return fail(new StripeApiError(401, "invalid_request_error", `Invalid API Key provided: ${shown}${"*".repeat(8)}`));
    }
    const contentType = req.headers["content-type"] ?? "";
    if (method === "POST" && body && !contentType.startsWith("application/x-www-form-urlencoded")) {
      return fail(new StripeApiError(400, "invalid_request_error", "Invalid request: the body must be application/x-www-form-urlencoded."));
    }
    const params = method === "GET" || method === "DELETE" ? parseStripeForm(url.search.slice(1)) : parseStripeForm(body);
    const fingerprint = createHash("sha256").update(`${method} ${url.pathname}\n${body}`).digest("hex");
    if (idempotencyKey && method === "POST") {
      const prior = this.idempotency.get(idempotencyKey);
      if (prior) {
        if (prior.fingerprint !== fingerprint) {
          return fail(
            new StripeApiError(
              400,
              "idempotency_error",
              `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
            ),
          );
        }
        record(prior.status);
        return this.sendJson(res, prior.status, prior.body, requestId, true);
      }
    }
    try {
      const result = this.dispatch(method, url.pathname, params, requestId);
      const json = JSON.stringify(result, null, 2);
      if (idempotencyKey && method === "POST") this.idempotency.set(idempotencyKey, { fingerprint, status: 200, body: json });
      record(200);
      this.sendJson(res, 200, json, requestId);
    } catch (err) {
      if (err instanceof StripeApiError) return fail(err);
      throw err;
    }
  }

  private expand(o: Obj, params: FormObject): Obj {
    const out = publicView(o);
    for (const path of list(params.expand)) {
      if (typeof path !== "string") continue;
      const ref = out[path];
      if (typeof ref !== "string") continue;
      const target = this.invoices.get(ref) ?? this.customers.get(ref) ?? this.subscriptions.get(ref);
      if (target) out[path] = publicView(target);
    }
    return out;
  }

  private dispatch(method: string, path: string, params: FormObject, requestId: string): Obj {
    const parts = path.split("/").filter(Boolean).slice(1); // drop "v1"
    const [a, b, c] = parts;
    if (a === "customers" && !b && method === "POST") {
      const cust = customerObject({ email: str(params.email), name: str(params.name), metadata: record(params.metadata) });
      this.customers.set(cust.id, cust);
      this.emit("customer.created", cust, undefined, requestId);
      return publicView(cust);
    }
    if (a === "customers" && b && !c && method === "GET") return this.expand(this.customers.get(b) ?? this.throw(missing("customer", b)), params);
    if (a === "prices" && b && method === "GET") return publicView(this.prices.get(b) ?? this.throw(missing("price", b)));
    if (a === "checkout" && b === "sessions" && !c && method === "POST") return this.createCheckoutSession(params);
    if (a === "checkout" && b === "sessions" && c && method === "GET") return this.expand(this.sessions.get(c) ?? this.throw(missing("checkout.session", c)), params);
    if (a === "billing_portal" && b === "sessions" && !c && method === "POST") {
      const customer = str(params.customer);
      if (!customer) throw new StripeApiError(400, "invalid_request_error", "Missing required param: customer.", "parameter_missing", "customer");
      if (!this.customers.has(customer)) throw missing("customer", customer, "customer");
      const session = portalSessionObject({ baseUrl: this.baseUrl, customer, returnUrl: str(params.return_url) ?? null });
      this.portalSessions.set(session.id, session);
      return session;
    }
    if (a === "subscriptions" && b && !c) {
      const sub = this.subscriptions.get(b) ?? this.throw(missing("subscription", b));
      if (method === "GET") return this.expand(sub, params);
      if (method === "DELETE") return this.expand(this.cancelSubscription(b, requestId), params);
      if (method === "POST") return this.expand(this.updateSubscription(sub, params, requestId), params);
    }
    if (a === "invoices" && b && !c && method === "GET") return this.expand(this.invoices.get(b) ?? this.throw(missing("invoice", b)), params);
    throw new StripeApiError(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}). The local Stripe fake does not implement it.`);
  }

  private throw(e: StripeApiError): never {
    throw e;
  }

  private createCheckoutSession(params: FormObject): Obj {
    const mode = str(params.mode);
    if (!mode) throw new StripeApiError(400, "invalid_request_error", "Missing required param: mode.", "parameter_missing", "mode");
    if (mode !== "subscription") throw new StripeApiError(400, "invalid_request_error", "The local Stripe fake supports mode=subscription only.", undefined, "mode");
    const successUrl = str(params.success_url);
    if (!successUrl) throw new StripeApiError(400, "invalid_request_error", "Missing required param: success_url.", "parameter_missing", "success_url");
    const customer = str(params.customer) ?? null;
    if (customer && !this.customers.has(customer)) throw missing("customer", customer, "customer");
    const items = list(params.line_items).map((li, i) => {
      const item = li as FormObject;
      const price = str(item.price);
      if (!price) throw new StripeApiError(400, "invalid_request_error", "Missing required param: line_items[0][price].", "parameter_missing", `line_items[${i}][price]`);
      if (!this.prices.has(price)) throw missing("price", price, `line_items[${i}][price]`);
      return { price, quantity: Number(str(item.quantity) ?? "1") };
    });
    if (items.length === 0) throw new StripeApiError(400, "invalid_request_error", "Missing required param: line_items.", "parameter_missing", "line_items");
    const amountTotal = items.reduce((n, i) => n + Number(this.prices.get(i.price)!.unit_amount) * i.quantity, 0);
    const subscriptionData = (params.subscription_data ?? {}) as FormObject;
    const session = checkoutSessionObject({
      baseUrl: this.baseUrl,
      customer,
      customerEmail: str(params.customer_email) ?? null,
      clientReferenceId: str(params.client_reference_id) ?? null,
      lineItems: items,
      amountTotal,
      mode,
      successUrl,
      cancelUrl: str(params.cancel_url) ?? null,
      metadata: record(params.metadata),
      subscriptionMetadata: record(subscriptionData.metadata),
    });
    this.sessions.set(session.id, session);
    return publicView(session);
  }

  private updateSubscription(sub: Obj, params: FormObject, requestId: string): Obj {
    const previous: Record<string, unknown> = {};
    const cancelAtPeriodEnd = str(params.cancel_at_period_end);
    if (cancelAtPeriodEnd !== undefined) {
      previous.cancel_at_period_end = sub.cancel_at_period_end;
      sub.cancel_at_period_end = cancelAtPeriodEnd === "true";
      const item = (sub.items as { data: { current_period_end: number }[] }).data[0]!;
      sub.cancel_at = sub.cancel_at_period_end ? item.current_period_end : null;
    }
    const items = list(params.items);
    if (items.length) {
      const price = str((items[0] as FormObject).price);
      if (!price || !this.prices.has(price)) throw missing("price", price ?? "", "items[0][price]");
      previous.items = structuredClone(sub.items);
      (sub.items as { data: { price: Obj }[] }).data[0]!.price = publicView(this.prices.get(price)!);
    }
    const metadata = params.metadata;
    if (metadata) {
      previous.metadata = sub.metadata;
      sub.metadata = { ...(sub.metadata as object), ...record(metadata) };
    }
    this.emit("customer.subscription.updated", sub, previous, requestId);
    return sub;
  }

  // ---------------------------------------------------------------- hosted pages

  private html(res: http.ServerResponse, status: number, title: string, inner: string): void {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;display:flex;justify-content:center;padding:48px}
main{background:#fff;border-radius:8px;box-shadow:0 2px 8px #0002;padding:32px;width:420px}button{background:#635bff;color:#fff;border:0;border-radius:6px;padding:12px;width:100%;font-size:16px;cursor:pointer}
.muted{color:#697386;font-size:14px}a{color:#635bff}</style></head><body><main>${inner}<p class="muted">Test mode: local Stripe fake</p></main></body></html>`);
  }

  private pages(req: http.IncomingMessage, res: http.ServerResponse, url: URL, _body: string): void {
    // Readiness probe for test runners (not part of Stripe's API).
    if (url.pathname === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true }));
      return;
    }
    const pay = url.pathname.match(/^\/c\/pay\/(cs_test_[A-Za-z0-9]+)$/);
    if (pay) {
      const session = this.sessions.get(pay[1]!);
      if (!session) return this.html(res, 404, "Not found", "<h1>Something went wrong</h1><p>This Checkout Session does not exist.</p>");
      if (req.method === "POST") {
        const { redirect } = this.completeCheckout(session.id);
        res.writeHead(303, { location: redirect });
        res.end();
        return;
      }
      if (session.status !== "open") return this.html(res, 200, "Already paid", `<h1>Already paid</h1><p><a href="${escapeHtml(this.successRedirect(session))}">Return</a></p>`);
      const items = session._line_items as { price: string }[];
      const price = this.prices.get(items[0]!.price)!;
      const email = session.customer ? (this.customers.get(String(session.customer))?.email as string | null) : (session.customer_email as string | null);
      const amount = `$${(Number(session.amount_total) / 100).toFixed(2)}`;
      return this.html(
        res,
        200,
        "Checkout",
        `<h1>Subscribe to ${escapeHtml(String(price._productName))}</h1>
<p data-testid="checkout-amount"><strong>${amount}</strong> per month</p>
<p class="muted">${escapeHtml(email ?? "")}</p>
<form method="post" action="/c/pay/${session.id}"><button type="submit">Subscribe</button></form>
${session.cancel_url ? `<p><a href="${escapeHtml(String(session.cancel_url))}">Back</a></p>` : ""}`,
      );
    }
    const portal = url.pathname.match(/^\/p\/session\/(bps_[A-Za-z0-9]+)(\/cancel)?$/);
    if (portal) {
      const session = this.portalSessions.get(portal[1]!);
      if (!session) return this.html(res, 404, "Not found", "<h1>This portal link has expired.</h1>");
      const subs = [...this.subscriptions.values()].filter((s) => s.customer === session.customer && s.status !== "canceled");
      if (req.method === "POST" && portal[2]) {
        for (const s of subs) this.cancelSubscription(s.id);
        res.writeHead(303, { location: String(session.return_url ?? "/") });
        res.end();
        return;
      }
      const productOf = (s: Obj) => String(this.prices.get((s.items as { data: { price: { id: string } }[] }).data[0]!.price.id)?._productName ?? "");
      const rows = subs.map((s) => `<li>${escapeHtml(productOf(s))}: ${escapeHtml(String(s.status))}</li>`).join("");
      return this.html(
        res,
        200,
        "Billing portal",
        `<h1>Manage billing</h1><ul>${rows || "<li>No active subscription</li>"}</ul>
${subs.length ? `<form method="post" action="/p/session/${session.id}/cancel"><button type="submit">Cancel plan</button></form>` : ""}
<p><a href="${escapeHtml(String(session.return_url ?? "/"))}">Return to ZeroLagHub</a></p>`,
      );
    }
    this.html(res, 404, "Not found", "<h1>Not found</h1>");
  }
}

export async function startFakeStripe(options: FakeStripeOptions): Promise<FakeStripe> {
  return new FakeStripe(options).start();
}
