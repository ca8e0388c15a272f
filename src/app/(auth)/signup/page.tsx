import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "~/components/auth/sign-up-form";
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from "~/components/ui";
import { safeCallbackUrl } from "~/lib/callback-url";
import { currentSession } from "~/server/auth/guard";

export const metadata: Metadata = { title: "Create account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl);
  if (await currentSession()) redirect(callbackUrl);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Create your account</CardTitle>
        <CardDescription>Your first server is free. No card needed.</CardDescription>
      </CardHeader>
      <CardBody>
        <SignUpForm callbackUrl={callbackUrl} />
      </CardBody>
    </Card>
  );
}
