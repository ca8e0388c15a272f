/**
 * ZLH_ADMIN_EMAILS: a comma (or whitespace) separated list of the accounts that get the admin role.
 * Pure parsing, so the policy is testable without an environment.
 */
export function parseAdminEmails(raw: string | undefined): Set<string> {
  return new Set(
    (raw ?? "")
      .split(/[\s,;]+/)
      .map((e) => e.trim().toLowerCase())
      .filter((e) => /^[^@\s]+@[^@\s]+$/.test(e)),
  );
}

export function configuredAdminEmails(): Set<string> {
  return parseAdminEmails(process.env.ZLH_ADMIN_EMAILS);
}

/** The role a new account gets: admin when its email is listed. */
export function initialRole(email: string, admins: Set<string> = configuredAdminEmails()): "user" | "admin" {
  return admins.has(email.trim().toLowerCase()) ? "admin" : "user";
}
