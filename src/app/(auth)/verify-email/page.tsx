import type { Metadata } from "next";
import { TokenAction } from "~/components/account/token-action";
import { Alert, Card, CardBody, CardDescription, CardHeader, CardTitle } from "~/components/ui";
import { TOKEN_PATTERN } from "~/server/account/email-tokens";

export const metadata: Metadata = { title: "Confirm your email" };

export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Confirm your email address</CardTitle>
        <CardDescription>One click and your account can have more servers and a paid plan.</CardDescription>
      </CardHeader>
      <CardBody>
        {typeof token === "string" && TOKEN_PATTERN.test(token) ? (
          <TokenAction token={token} action="verify" label="Confirm my email address" doneText="Your email address is confirmed." doneHref="/dashboard" doneLabel="Go to the dashboard" />
        ) : (
          <Alert tone="danger">This link is incomplete. Open it again from the email, or send a new one from Settings.</Alert>
        )}
      </CardBody>
    </Card>
  );
}
