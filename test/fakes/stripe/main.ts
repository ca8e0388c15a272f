import { parseArgs } from "node:util";
import { startFakeStripe } from "./server";

/**
 * Runs the local Stripe fake as a process (e2e and local demos):
 *   tsx test/fakes/stripe/main.ts --port 4242 --webhook-url http://localhost:3000/api/stripe/webhook \
 *     --webhook-secret whsec_... [--secret-key sk_test_...]
 * Point the portal at it with STRIPE_API_BASE=http://127.0.0.1:4242 and the same keys.
 */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.FAKE_STRIPE_PORT ?? "0" },
    host: { type: "string", default: "127.0.0.1" },
    "webhook-url": { type: "string", default: process.env.FAKE_STRIPE_WEBHOOK_URL },
    "webhook-secret": { type: "string", default: process.env.FAKE_STRIPE_WEBHOOK_SECRET },
    "secret-key": { type: "string", default: process.env.FAKE_STRIPE_SECRET_KEY ?? "sk_test_fake" },
  },
});
if (!values["webhook-secret"]) {
  process.stderr.write("fake stripe: --webhook-secret (or FAKE_STRIPE_WEBHOOK_SECRET) is required\n");
  process.exit(2);
}
const fake = await startFakeStripe({
  host: values.host,
  port: Number(values.port),
  webhookUrl: values["webhook-url"],
  webhookSecret: values["webhook-secret"],
  secretKey: values["secret-key"],
});
process.stdout.write(`${JSON.stringify({ msg: "fake stripe listening", url: fake.baseUrl, webhookUrl: fake.webhookUrl ?? null })}\n`);
const stop = () => void fake.stop().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
