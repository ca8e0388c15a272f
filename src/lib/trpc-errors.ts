import { TRPCClientError } from "@trpc/client";

/**
 * What a form needs from a failed tRPC call: the error code, per-field messages from input
 * validation (the server's zod schema) and a message to show.
 */
export type FormError = { code?: string; fields: Record<string, string | undefined>; message: string };

type ErrorData = { code?: string; zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null };

export function formError(err: unknown): FormError {
  if (err instanceof TRPCClientError) {
    const data = err.data as ErrorData | undefined;
    const fields: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(data?.zodError?.fieldErrors ?? {})) fields[k] = v?.[0];
    return { code: data?.code, fields, message: err.message };
  }
  return { fields: {}, message: "Could not reach the server. Check your connection and try again." };
}
