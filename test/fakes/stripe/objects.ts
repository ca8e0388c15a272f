import { randomBytes } from "node:crypto";

/**
 * Stripe API objects as the API reference shows them (API version of the installed SDK: items carry
 * the billing period; an invoice names its subscription under parent.subscription_details).
 */
export type Obj = Record<string, unknown> & { id: string; object: string };

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export function stripeId(prefix: string): string {
  const bytes = randomBytes(24);
  let s = "";
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${s}`;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const MONTH = 30 * 24 * 60 * 60;

export type PriceSpec = { id: string; unitAmount: number; productName: string };

export function priceObject(p: PriceSpec, created: number): Obj {
  return {
    id: p.id,
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created,
    currency: "usd",
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: `prod_${p.id.replace(/^price_/, "")}`,
    recurring: { interval: "month", interval_count: 1, meter: null, usage_type: "licensed" },
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: "recurring",
    unit_amount: p.unitAmount,
    unit_amount_decimal: String(p.unitAmount),
  };
}

export function customerObject(params: { email?: string; name?: string; metadata?: Record<string, string> }): Obj {
  const id = stripeId("cus");
  return {
    id,
    object: "customer",
    address: null,
    balance: 0,
    created: nowSeconds(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: null,
    email: params.email ?? null,
    invoice_prefix: id.slice(4, 12).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: params.metadata ?? {},
    name: params.name ?? null,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

export function checkoutSessionObject(params: {
  baseUrl: string;
  customer: string | null;
  customerEmail: string | null;
  clientReferenceId: string | null;
  lineItems: { price: string; quantity: number }[];
  amountTotal: number;
  mode: string;
  successUrl: string;
  cancelUrl: string | null;
  metadata: Record<string, string>;
  subscriptionMetadata: Record<string, string>;
}): Obj {
  const id = stripeId("cs_test");
  const created = nowSeconds();
  return {
    id,
    object: "checkout.session",
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: params.amountTotal,
    amount_total: params.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: params.cancelUrl,
    client_reference_id: params.clientReferenceId,
    client_secret: null,
    consent: null,
    consent_collection: null,
    created,
    currency: "usd",
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: params.customer,
    customer_creation: params.customer ? null : "always",
    customer_details: null,
    customer_email: params.customerEmail,
    expires_at: created + 24 * 60 * 60,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    metadata: params.metadata,
    mode: params.mode,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: "always",
    payment_method_types: ["card"],
    payment_status: "unpaid",
    phone_number_collection: { enabled: false },
    recovered_from: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: params.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: `${params.baseUrl}/c/pay/${id}`,
    // Kept for the hosted page; Stripe exposes these through the line_items expansion.
    _line_items: params.lineItems,
    _subscription_metadata: params.subscriptionMetadata,
  };
}

export function subscriptionObject(params: { customer: string; price: Obj; metadata: Record<string, string> }): Obj {
  const id = stripeId("sub");
  const start = nowSeconds();
  return {
    id,
    object: "subscription",
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: start,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: "classic" },
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null },
    collection_method: "charge_automatically",
    created: start,
    currency: "usd",
    customer: params.customer,
    days_until_due: null,
    default_payment_method: stripeId("pm"),
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    ended_at: null,
    invoice_settings: { account_tax_ids: null, issuer: { type: "self" } },
    items: {
      object: "list",
      data: [
        {
          id: stripeId("si"),
          object: "subscription_item",
          billing_thresholds: null,
          created: start,
          current_period_end: start + MONTH,
          current_period_start: start,
          discounts: [],
          metadata: {},
          price: params.price,
          quantity: 1,
          subscription: id,
          tax_rates: [],
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    metadata: params.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: "off" },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: start,
    status: "active",
    test_clock: null,
    transfer_data: null,
    trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: "create_invoice" } },
    trial_start: null,
  };
}

export function invoiceObject(params: {
  baseUrl: string;
  subscription: Obj;
  billingReason: "subscription_create" | "subscription_cycle";
  paid: boolean;
}): Obj {
  const id = stripeId("in");
  const created = nowSeconds();
  const items = (params.subscription.items as { data: { price: { unit_amount: number }; current_period_start: number; current_period_end: number }[] }).data;
  const amount = items.reduce((n, i) => n + i.price.unit_amount, 0);
  const period = items[0]!;
  return {
    id,
    object: "invoice",
    account_country: "US",
    account_name: "ZeroLagHub (test)",
    amount_due: amount,
    amount_overpaid: 0,
    amount_paid: params.paid ? amount : 0,
    amount_remaining: params.paid ? 0 : amount,
    attempt_count: 1,
    attempted: true,
    auto_advance: !params.paid,
    billing_reason: params.billingReason,
    collection_method: "charge_automatically",
    created,
    currency: "usd",
    customer: params.subscription.customer,
    description: null,
    due_date: null,
    hosted_invoice_url: `${params.baseUrl}/i/${id}`,
    invoice_pdf: `${params.baseUrl}/i/${id}/pdf`,
    livemode: false,
    metadata: {},
    next_payment_attempt: params.paid ? null : created + 3 * 24 * 60 * 60,
    number: `${id.slice(3, 11).toUpperCase()}-0001`,
    parent: {
      quote_details: null,
      subscription_details: { metadata: params.subscription.metadata, subscription: params.subscription.id },
      type: "subscription_details",
    },
    period_end: period.current_period_end,
    period_start: period.current_period_start,
    status: params.paid ? "paid" : "open",
    status_transitions: { finalized_at: created, marked_uncollectible_at: null, paid_at: params.paid ? created : null, voided_at: null },
    subtotal: amount,
    total: amount,
  };
}

export function portalSessionObject(params: { baseUrl: string; customer: string; returnUrl: string | null }): Obj {
  const id = stripeId("bps");
  return {
    id,
    object: "billing_portal.session",
    configuration: "bpc_fake_default",
    created: nowSeconds(),
    customer: params.customer,
    flow: null,
    livemode: false,
    locale: null,
    on_behalf_of: null,
    return_url: params.returnUrl,
    url: `${params.baseUrl}/p/session/${id}`,
  };
}

/** The public view of an object: internal bookkeeping fields (leading underscore) removed. */
export function publicView(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith("_"))) as Obj;
}
