import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { applyAdminEmailAtSignIn } from "../admin/roles";
import { recordAudit } from "../audit/audit";
import { safeRedirectUrl } from "~/lib/callback-url";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { AccountError } from "../account/account.types";
import { verifyCredentials } from "../account/service";
import { CLIENT_ADDRESS_HEADER } from "./request-context";
import { currentSessionVersion, isSessionCurrent, revokeIdeSessions } from "./session-version";

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
    error: (code, metadata) => {
      // A revoked session (see the jwt callback) is an expected outcome, not a fault.
      if (code === "JWT_SESSION_ERROR" && (metadata as { message?: string } | undefined)?.message === "session revoked") return;
      logger.error({ code, metadata }, "next-auth error");
    },
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
          await recordAudit({ actorId: user.id, action: "auth.sign_in", targetType: "user", targetId: user.id, ip: address });
          await applyAdminEmailAtSignIn(user.email);
          return { id: user.id, email: user.email };
        } catch (err) {
          if (err instanceof AccountError) {
            logger.info({ code: err.code, address }, "sign-in refused");
            await recordAudit({ action: "auth.sign_in_refused", ip: address, data: { code: err.code, email: String(credentials?.email ?? "").slice(0, 200) } });
            throw new Error(err.message);
          }
          throw err;
        }
      },
    }),
  ],
  events: {
    // Signing out ends this browser's portal cookie (next-auth) and every IDE cookie of the user.
    async signOut({ token }) {
      if (token?.sub) await revokeIdeSessions(token.sub);
    },
  },
  callbacks: {
    // next-auth's own redirects (after sign-in/out) get the same same-origin rule as the sign-in page.
    redirect: ({ url, baseUrl }) => safeRedirectUrl(url, baseUrl),
    async jwt({ token, user }) {
      // `user` is only present right after authorize(): copy what the session needs into the token,
      // with the session version it is issued under.
      if (user) {
        token.sub = user.id;
        token.email = user.email;
        token.sv = (await currentSessionVersion(user.id)) ?? 0;
        return token;
      }
      // Every later request: a token from before a version bump (or of a deleted account) is dead.
      // Throwing makes next-auth answer "no session" and clear the cookie.
      if (!token.sub || !(await isSessionCurrent(token.sub, token.sv))) throw new Error("session revoked");
      return token;
    },
    session({ session, token }) {
      session.user = { id: token.sub ?? "", email: token.email ?? "" } as typeof session.user;
      return session;
    },
  },
};
