import { describe, expect, it } from "vitest";
import { parseStripeForm } from "./form";

describe("parseStripeForm", () => {
  it("decodes nested objects and indexed arrays as the Stripe SDK encodes them", () => {
    const body =
      "mode=subscription&line_items[0][price]=price_1&line_items[0][quantity]=1&metadata[userId]=u%201&expand[0]=latest_invoice&expand[]=customer&success_url=http%3A%2F%2Fx%2Fbilling%3Fa%3D1%26b%3D%7BCHECKOUT_SESSION_ID%7D";
    expect(parseStripeForm(body)).toEqual({
      mode: "subscription",
      line_items: [{ price: "price_1", quantity: "1" }],
      metadata: { userId: "u 1" },
      expand: ["latest_invoice", "customer"],
      success_url: "http://x/billing?a=1&b={CHECKOUT_SESSION_ID}",
    });
  });
});
