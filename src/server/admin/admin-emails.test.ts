import { describe, expect, it } from "vitest";
import { initialRole, parseAdminEmails } from "./admin-emails";

describe("ZLH_ADMIN_EMAILS", () => {
  it("parses a comma or space separated list, case-insensitively, dropping junk", () => {
    expect([...parseAdminEmails(" Ops@Example.com, b@x.io ;c@y.dev\nnot-an-email,,")]).toEqual(["ops@example.com", "b@x.io", "c@y.dev"]);
    expect(parseAdminEmails(undefined).size).toBe(0);
  });

  it("makes listed accounts admins at sign-up and nobody else", () => {
    const admins = parseAdminEmails("ops@example.com");
    expect(initialRole("OPS@example.com", admins)).toBe("admin");
    expect(initialRole("ops@example.com.evil", admins)).toBe("user");
    expect(initialRole("user@example.com", admins)).toBe("user");
  });
});
