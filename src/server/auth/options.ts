import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { AccountError } from "../account/account.types";
import { verifyCredentials } from "../account/service";
import { CLIENT_ADDRESS_HEADER } from "./request-context";

/**
 * next-auth (v4) with email + password. Sessions are JWTs in an http-only cookie: no session table,
 * so any portal instance can read them. The thrown AccountError message (wrong password, too many
 * attempts) reaches the sign-in form as `error`.
 */
export const authOptions: NextAuthOptions = {
  // Credentials sign-in only works with JWT sessions; say so explicitly.
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/signin" },
  logger: {
    error: (code, metadata) => logger.error({ code, metadata }, "next-auth error"),
    warn: (code) => logger.warn({ code }, "next-auth warning"),
    debug: () => {},
  },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const headers = (req?.headers ?? {}) as Record<string, string | undefined>;
        const address = headers[CLIENT_ADDRESS_HEADER] ?? "unknown";
        try {
          const user = await verifyCredentials(db, { email: credentials?.email ?? "", password: credentials?.password ?? "" }, { address });
          logger.info({ userId: user.id, address }, "signed in");
          return { id: user.id, email: user.email };
        } catch (err) {
          if (err instanceof AccountError) {
            logger.info({ code: err.code, address }, "sign-in refused");
            throw new Error(err.message);
          }
          throw err;
        }
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // `user` is only present right after authorize(): copy what the session needs into the token.
      if (user) {
        token.sub = user.id;
        token.email = user.email;
      }
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.sub ?? "", email: token.email ?? "" } as typeof session.user;
      return session;
    },
  },
};
