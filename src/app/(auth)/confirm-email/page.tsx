import type { Metadata } from "next";
import { TokenAction } from "~/components/account/token-action";
import { Alert, Card, CardBody, CardDescription, CardHeader, CardTitle } from "~/components/ui";
import { TOKEN_PATTERN } from "~/server/account/email-tokens";

export const metadata: Metadata = { title: "Confirm your new email" };

export default async function ConfirmEmailChangePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const token = (await searchParams).token;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Use your new email address</CardTitle>
        <CardDescription>Your account moves to this address; every device signs in again.</CardDescription>
      </CardHeader>
      <CardBody>
        {typeof token === "string" && TOKEN_PATTERN.test(token) ? (
          <TokenAction token={token} action="confirmEmailChange" label="Use this address" doneText="Your email address was changed." doneHref="/signin" doneLabel="Sign in with the new address" />
        ) : (
          <Alert tone="danger">This link is incomplete. Open it again from the email.</Alert>
        )}
      </CardBody>
    </Card>
  );
}
