// next-auth for the console: email + password (Credentials), JWT sessions in a signed cookie.
// The session only names the user; pages and actions read the role from the database on
// every request (session.ts). No /api/auth route is mounted: the only way in is the login
// page's server action, which goes through attemptLogin (password check + throttling).
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/lib/db";
import { attemptLogin } from "@/lib/auth/login";
import { resolveAuthSecret } from "@/lib/auth/auth-secret";
import { exportAuthEnvironment, settings } from "@/lib/settings/settings";
import { clientAddress } from "@/lib/http/client-address";
import { isDatabaseDown } from "@/lib/db/errors";

/** A refused sign-in; `message` is safe to show (it never says whether the email exists). */
export class LoginRefused extends CredentialsSignin {
  constructor(
    readonly userMessage: string,
    reason: string,
  ) {
    super(userMessage);
    this.code = reason;
  }
}

export const { auth, signIn, signOut } = NextAuth(async () => {
  const s = settings();
  const cfg = s.console;
  exportAuthEnvironment(s); // npm start did already; a bare `next start` did not
  return {
    secret: await resolveAuthSecret(async () => (await getDb()).pool),
    trustHost: s.auth.url ? undefined : true,
    // Secure cookies whenever the public URL is https, whatever the request looked like.
    useSecureCookies: s.auth.url ? s.auth.url.startsWith("https:") : undefined,
    session: { strategy: "jwt", maxAge: cfg.sessionMaxAgeSec },
    pages: { signIn: "/login" },
    providers: [
      Credentials({
        credentials: { email: {}, password: {} },
        async authorize(credentials, request) {
          const email = typeof credentials?.email === "string" ? credentials.email : "";
          const password = typeof credentials?.password === "string" ? credentials.password : "";
          let r: Awaited<ReturnType<typeof attemptLogin>>;
          try {
            const { pool } = await getDb();
            r = await attemptLogin(pool, cfg, { email, password, address: clientAddress(request.headers) });
          } catch (e) {
            if (isDatabaseDown(e))
              throw new LoginRefused(
                "The database is not reachable right now. Try again in a moment.",
                "database_down",
              );
            throw e;
          }
          if (!r.ok) throw new LoginRefused(r.message, r.reason);
          return { id: r.user.id, email: r.user.email };
        },
      }),
    ],
    callbacks: {
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub ?? "" } };
      },
    },
    logger: {
      // Refused sign-ins are expected; anything else is worth a line in the server log.
      error(e: Error) {
        if (e instanceof CredentialsSignin) return;
        console.error(`[auth] ${e.name}: ${e.message}`);
      },
      warn() {},
    },
  };
});
