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

/** What the session cookie carries besides the user id: the users.session_version it was issued with. */
type VersionedUser = { sessionVersion?: number };

export const { auth, signIn, signOut, unstable_update } = NextAuth(async () => {
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
          return { id: r.user.id, email: r.user.email, sessionVersion: r.user.sessionVersion };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user, trigger, session }) {
        if (user) token.sv = (user as VersionedUser).sessionVersion ?? 0;
        // Only our own server code updates a session (no /api/auth route is mounted): after a
        // password change, this session takes the new version so that it alone stays valid.
        const renewed = (session as { user?: VersionedUser } | undefined)?.user?.sessionVersion;
        if (trigger === "update" && typeof renewed === "number") token.sv = renewed;
        return token;
      },
      session({ session, token }) {
        // Sessions issued before versions existed carry none: they count as version 0.
        const sessionVersion = typeof token.sv === "number" ? token.sv : 0;
        return { ...session, user: { ...session.user, id: token.sub ?? "", sessionVersion } };
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
