import type { Metadata } from "next";
import { ForgotPasswordForm } from "~/components/account/forgot-password-form";
import { Card, CardBody, CardDescription, CardHeader, CardTitle } from "~/components/ui";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <Card>
      <CardHeader>
        <CardTitle>Forgot your password?</CardTitle>
        <CardDescription>Enter the email you sign in with and we send you a link to choose a new one.</CardDescription>
      </CardHeader>
      <CardBody>
        <ForgotPasswordForm />
      </CardBody>
    </Card>
  );
}
