"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { Alert, Button, Field } from "~/components/ui";
import { z } from "zod";
import { signInInput } from "~/server/account/account.types";

type Errors = { email?: string; password?: string; form?: string };

/** next-auth reports a refused credentials sign-in as "CredentialsSignin"; ours throw readable messages. */
function readableError(error: string): string {
  return error === "CredentialsSignin" ? "Wrong email or password." : error;
}

export function SignInForm({ callbackUrl, initialError }: { callbackUrl: string; initialError?: string }) {
  const [errors, setErrors] = useState<Errors>(initialError ? { form: initialError } : {});
  const [pending, setPending] = useState(false);
  const inFlight = useRef(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (inFlight.current) return;
    const data = new FormData(e.currentTarget);
    const parsed = signInInput.safeParse({ email: data.get("email"), password: data.get("password") });
    if (!parsed.success) {
      const fields = z.flattenError(parsed.error).fieldErrors;
      setErrors({ email: fields.email?.[0], password: fields.password?.[0] });
      return;
    }
    inFlight.current = true;
    setPending(true);
    setErrors({});
    try {
      const res = await signIn("credentials", { ...parsed.data, redirect: false, callbackUrl });
      if (res && !res.error) {
        // A full navigation, so every server component renders with the new session cookie; the
        // button stays pending until the next page replaces this one.
        window.location.assign(callbackUrl);
        return;
      }
      setErrors({ form: readableError(res?.error ?? "Sign-in failed. Try again.") });
    } catch {
      setErrors({ form: "Could not reach the server. Check your connection and try again." });
    }
    inFlight.current = false;
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Sign in">
      {errors.form && <Alert tone="danger">{errors.form}</Alert>}
      <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus error={errors.email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
      <p className="-mt-3 text-right text-sm">
        <Link href="/forgot-password" className="text-zinc-400 hover:text-brand-300">
          Forgot password?
        </Link>
      </p>
      <Button type="submit" className="w-full" pending={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      <p className="text-center text-sm text-zinc-400">
        New here?{" "}
        <Link href="/signup" className="font-medium text-brand-400 hover:text-brand-300">
          Create an account
        </Link>
      </p>
    </form>
  );
}
