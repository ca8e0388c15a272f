import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "~/components/auth/sign-in-form";
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from "~/components/ui";
import { safeCallbackUrl } from "~/lib/callback-url";
import { currentSession } from "~/server/auth/guard";

export const metadata: Metadata = { title: "Sign in" };

// next-auth puts a code in ?error= when it redirects here itself; show text we wrote, never the raw value.
const knownErrors: Record<string, string> = {
  CredentialsSignin: "Wrong email or password.",
  SessionRequired: "Sign in to continue.",
};

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await currentSession()) redirect(callbackUrl);
  const code = typeof params.error === "string" ? params.error : undefined;
  const initialError = code ? (knownErrors[code] ?? "Sign-in failed. Try again.") : undefined;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign in</CardTitle>
        <CardDescription>Welcome back. Your servers are waiting.</CardDescription>
      </CardHeader>
      <CardBody>
        <SignInForm callbackUrl={callbackUrl} initialError={initialError} />
      </CardBody>
    </Card>
  );
}
