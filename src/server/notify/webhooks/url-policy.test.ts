import { describe, expect, it } from "vitest";
import { allowPrivateTargets, checkWebhookUrl, isNonPublicAddress } from "./url-policy";
import { guardedLookup } from "./safe-lookup";

describe("webhook URL policy", () => {
  it("accepts public http(s) URLs", () => {
    expect(checkWebhookUrl("https://discord.com/api/webhooks/1/abc", false).ok).toBe(true);
    expect(checkWebhookUrl("http://hooks.example.com:8080/x?y=1", false).ok).toBe(true);
    expect(checkWebhookUrl("https://93.184.216.34/hook", false).ok).toBe(true);
  });

  it.each([
    "http://127.0.0.1/hook",
    "http://127.1.2.3:8080/",
    "http://localhost:3000/api",
    "http://foo.localhost/",
    "http://10.0.0.5/",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://[fd00::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://metadata.internal/",
    "http://intranet/",
  ])("refuses the non-public target %s", (url) => {
    expect(checkWebhookUrl(url, false)).toMatchObject({ ok: false, reason: "Webhooks must point to a public internet address." });
  });

  it.each(["file:///etc/passwd", "gopher://example.com/", "ftp://example.com/", "javascript:alert(1)"])("refuses the scheme of %s", (url) => {
    expect(checkWebhookUrl(url, true)).toMatchObject({ ok: false, reason: "Only http and https webhook URLs are allowed." });
  });

  it("refuses credentials in the URL and garbage", () => {
    expect(checkWebhookUrl("https://user:pw@example.com/", false).ok).toBe(false);
    expect(checkWebhookUrl("not a url", false).ok).toBe(false);
  });

  it("allows private targets only when asked explicitly, never in production", () => {
    expect(checkWebhookUrl("http://127.0.0.1:9999/hook", true).ok).toBe(true);
    expect(allowPrivateTargets({ NODE_ENV: "test", ZLH_WEBHOOK_ALLOW_PRIVATE: "true" })).toBe(true);
    expect(allowPrivateTargets({ NODE_ENV: "development" })).toBe(false);
    expect(allowPrivateTargets({ NODE_ENV: "production", ZLH_WEBHOOK_ALLOW_PRIVATE: "true" })).toBe(false);
  });

  it("classifies addresses", () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "172.31.255.255", "192.168.0.1", "169.254.1.1", "224.0.0.1", "::1", "fc00::1", "fe80::abcd", "::ffff:10.0.0.1", "::ffff:7f00:1", "::ffff:a9fe:a9fe"]) expect(isNonPublicAddress(ip)).toBe(true);
    for (const ip of ["8.8.8.8", "172.32.0.1", "93.184.216.34", "2606:4700::1111"]) expect(isNonPublicAddress(ip)).toBe(false);
  });

  it("refuses, at connect time, a name that resolves to loopback", async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup("localhost", {}, (e) => resolve(e)));
    expect(err?.code).toBe("EWEBHOOKTARGET");
  });
});
