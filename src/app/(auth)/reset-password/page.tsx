import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "~/components/account/reset-password-form";
import { Alert, Card, CardBody, CardDescription, CardHeader, CardTitle } from "~/components/ui";
import { TOKEN_PATTERN } from "~/server/account/email-tokens";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  const valid = typeof token === "string" && TOKEN_PATTERN.test(token);
  return (
    <Card>
      <CardHeader>
        <CardTitle>Choose a new password</CardTitle>
        <CardDescription>The link from your email works once, for 30 minutes.</CardDescription>
      </CardHeader>
      <CardBody>
        {valid ? (
          <ResetPasswordForm token={token} />
        ) : (
          <Alert tone="danger">
            This link is incomplete. Open it again from the email, or{" "}
            <Link href="/forgot-password" className="font-medium underline">ask for a new one</Link>.
          </Alert>
        )}
      </CardBody>
    </Card>
  );
}
