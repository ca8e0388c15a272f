"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { z } from "zod";
import { Alert, Button, Field } from "~/components/ui";
import { formError } from "~/lib/trpc-errors";
import { MIN_PASSWORD_LENGTH, signUpInput } from "~/server/account/account.types";
import { useTRPC } from "~/trpc/react";

type Errors = { email?: string; password?: string; form?: string };

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.account.signUp.mutationOptions());
  const [errors, setErrors] = useState<Errors>({});
  const [pending, setPending] = useState(false);
  const inFlight = useRef(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (inFlight.current) return;
    const data = new FormData(e.currentTarget);
    const parsed = signUpInput.safeParse({ email: data.get("email"), password: data.get("password") });
    if (!parsed.success) {
      const fields = z.flattenError(parsed.error).fieldErrors;
      setErrors({ email: fields.email?.[0], password: fields.password?.[0] });
      return;
    }
    inFlight.current = true;
    setPending(true);
    setErrors({});
    try {
      await signUp.mutateAsync(parsed.data);
      const res = await signIn("credentials", { ...parsed.data, redirect: false, callbackUrl });
      if (res && !res.error) {
        window.location.assign(callbackUrl);
        return;
      }
      // Sign-up answers the same for a new and a taken email (no account discovery); when the
      // automatic sign-in fails, the email may belong to someone already, who gets an email about it.
      setErrors({
        form: "We could not sign you in with this email and password. If you already have an account, sign in instead.",
      });
    } catch (err) {
      const e = formError(err);
      if (e.fields.email || e.fields.password) setErrors({ email: e.fields.email, password: e.fields.password });
      else setErrors({ form: e.message });
    }
    inFlight.current = false;
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Create account">
      {errors.form && <Alert tone="danger">{errors.form}</Alert>}
      <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus error={errors.email} />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD_LENGTH}
        error={errors.password}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
      />
      <Button type="submit" className="w-full" pending={pending}>
        {pending ? "Creating account…" : "Create account"}
      </Button>
      <p className="text-center text-sm text-zinc-400">
        Already have an account?{" "}
        <Link href="/signin" className="font-medium text-brand-400 hover:text-brand-300">
          Sign in
        </Link>
      </p>
    </form>
  );
}
