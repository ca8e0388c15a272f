/**
 * The audited actions, in one place so the admin filter can offer them and callers spell them the
 * same way. recordAudit accepts any dotted name; these are the ones the portal writes.
 */
export const AUDIT_ACTIONS = [
  "auth.sign_up",
  "auth.sign_in",
  "auth.sign_in_refused",
  "ssh_key.add",
  "ssh_key.remove",
  "ide.token_issued",
  "account.email_verified",
  "account.password_reset",
  "account.email_change",
  "account.delete",
  "admin.role_grant",
  "admin.role_revoke",
  "admin.user_suspend",
  "admin.user_unsuspend",
  "admin.server_start",
  "admin.server_stop",
  "admin.job_retry",
  "admin.artifact_build",
  "admin.artifact_promote",
  "admin.artifact_rollback",
  "admin.artifact_verify",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
