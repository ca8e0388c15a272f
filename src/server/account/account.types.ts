import { z } from "zod";

/**
 * Input schemas of the account service, shared by the tRPC router and the forms (client-side
 * validation shows the same messages inline before a round trip).
 */
export const MIN_PASSWORD_LENGTH = 10;
// scrypt accepts any length; a cap keeps a request from making us hash megabytes.
export const MAX_PASSWORD_LENGTH = 200;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter a valid email address.").max(254, "Enter a valid email address."));

export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters.`);

export const signUpInput = z.object({ email: emailSchema, password: newPasswordSchema });
export type SignUpInput = z.input<typeof signUpInput>;

/** Sign-in does not restate the password policy: any non-empty password is checked against the hash. */
export const signInInput = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(MAX_PASSWORD_LENGTH, "Wrong email or password."),
});
export type SignInInput = z.input<typeof signInInput>;

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(MAX_PASSWORD_LENGTH),
  newPassword: newPasswordSchema,
});
export type ChangePasswordInput = z.input<typeof changePasswordInput>;

export type AccountField = "email" | "password" | "currentPassword" | "newPassword";
export type AccountErrorCode = "INVALID_INPUT" | "EMAIL_TAKEN" | "INVALID_CREDENTIALS" | "WRONG_PASSWORD" | "RATE_LIMITED" | "NOT_FOUND";

/** An error the user can act on: its message is shown as is, next to `field` when there is one. */
export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
    readonly field?: AccountField,
  ) {
    super(message);
    this.name = "AccountError";
  }
}

export type AccountSummary = { id: string; email: string; createdAt: Date };
