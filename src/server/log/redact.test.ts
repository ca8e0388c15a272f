import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { REDACT_PATHS, scrubLogObject, scrubUrl } from "./redact";
import { currentRequestId, requestIdFrom, runInRequestScope, annotateScope, currentScope } from "./request-scope";

function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
  const log = pino({ redact: { paths: REDACT_PATHS, censor: "[redacted]" }, formatters: { log: scrubLogObject }, mixin: () => ({ ...currentScope() }) }, sink);
  return { log, text: () => lines.join("") };
}

describe("log redaction", () => {
  it("scrubs credential query parameters from URLs, keeps the rest", () => {
    expect(scrubUrl("/__zlh/auth?token=abc.def&x=1")).toBe("/__zlh/auth?token=[redacted]&x=1");
    expect(scrubUrl("/reset?Code=123#frag")).toBe("/reset?Code=[redacted]");
    expect(scrubUrl("/servers/1?tab=console")).toBe("/servers/1?tab=console");
    expect(scrubUrl("/plain")).toBe("/plain");
    expect(scrubUrl("/x?%E0%A4%A=1")).toBe("/x?[redacted]");
  });

  it("never writes passwords, tokens, cookies or authorization headers", () => {
    const { log, text } = capture();
    log.info({ password: "hunter2-pass", user: { token: "tok-abcdef" }, headers: { cookie: "next-auth.session-token=s3cr3t", authorization: "Bearer b34r3r" }, url: "/__zlh/auth?token=jwt.jwt.jwt" }, "x");
    log.info({ req: { headers: { authorization: "Bearer again", cookie: "c=1" } } }, "y");
    const out = text();
    for (const secret of ["hunter2-pass", "tok-abcdef", "s3cr3t", "b34r3r", "jwt.jwt.jwt", "again", "c=1"]) expect(out).not.toContain(secret);
    expect(out).toContain("[redacted]");
  });

  it("stamps every line inside a request scope with its id and what the request learned", () => {
    const { log, text } = capture();
    runInRequestScope({ reqId: "req-12345678" }, () => {
      annotateScope({ userId: "u1", serverId: "s1" });
      expect(currentRequestId()).toBe("req-12345678");
      log.info("inside");
    });
    log.info("outside");
    const [inside, outside] = text().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(inside).toMatchObject({ reqId: "req-12345678", userId: "u1", serverId: "s1" });
    expect(outside!.reqId).toBeUndefined();
  });

  it("keeps a plain caller request id and replaces anything else", () => {
    expect(requestIdFrom("abcdef12-proxy")).toBe("abcdef12-proxy");
    expect(requestIdFrom("short")).not.toBe("short");
    expect(requestIdFrom("evil\nline-injection-000")).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
