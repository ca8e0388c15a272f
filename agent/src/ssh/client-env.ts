/**
 * Client-sent environment variables an SSH session takes (like sshd's `AcceptEnv LANG LC_*`): the
 * agent's own SSH server and the portal's gateway apply the same policy.
 */
const ACCEPTED_ENV = /^(LANG|LC_[A-Z]+)$/;

export function acceptsClientEnv(key: string, value: string): boolean {
  return ACCEPTED_ENV.test(key) && value.length < 256;
}
