// The console's frame: who is signed in, with which role, and the navigation. Every page in
// this group checks the session itself (pagePrincipal) so it can send visitors to the login
// page with the way back; every action checks again (actionPrincipal).
import type { ReactNode } from "react";
import Link from "next/link";
import { hasRole } from "@/lib/auth/principal";
import { optionalPrincipal } from "@/app/_auth/session";
import { getDb } from "@/lib/db";
import { mirrorContext } from "@/lib/upstream/mirror";
import { getSyncStatus } from "@/lib/upstream/sync-status";
import { MirrorBanner, MirrorHeader } from "./_parts/mirror-status";
import { logoutAction } from "@/app/login/actions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const me = await optionalPrincipal();
  // Without a session, render no console chrome: the page itself redirects to the login page
  // with the way back (every page starts with pagePrincipal(<its own URL>)).
  if (!me) return <>{children}</>;
  const sync = await getSyncStatus((await getDb()).pool, mirrorContext(), { passes: 1 });
  const mirror = sync.mode === "mirror" ? sync : null;
  const links = [
    { href: "/overview", label: "Overview" },
    { href: "/destinations", label: "Destinations" },
    ...(mirror && hasRole(me, "operator") ? [{ href: "/sync", label: "Sync" }] : []),
    ...(hasRole(me, "operator") ? [{ href: "/check", label: "Check a server" }] : []),
    { href: "/audit", label: "Audit log" },
    { href: "/tokens", label: "API tokens" },
    ...(hasRole(me, "admin") ? [{ href: "/team", label: "Team" }] : []),
    ...(hasRole(me, "admin") ? [{ href: "/webhooks", label: "Webhooks" }] : []),
    { href: "/account", label: "Account" },
  ];
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-2 focus:py-1"
      >
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-slate-900 text-slate-100">
        <div className="mx-auto flex max-w-screen-2xl flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2">
          <Link
            href="/overview"
            className="font-semibold tracking-tight focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
          >
            Federation Console
          </Link>
          <nav aria-label="Main" className="flex flex-wrap gap-1 text-sm">
            {links.map((l) => (
              <Link
                key={l.href}
                href={l.href}
                className="rounded px-2 py-1 hover:bg-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
              >
                {l.label}
              </Link>
            ))}
          </nav>
          {mirror ? (
            <MirrorHeader status={mirror} serverNow={Date.now().toString()} linkToSync={hasRole(me, "operator")} />
          ) : null}
          <div className="ml-auto flex items-center gap-2 text-sm">
            <span data-testid="whoami">
              {me.email} <span className="rounded bg-slate-700 px-1.5 py-0.5 text-xs">{me.role}</span>
            </span>
            <form action={logoutAction}>
              <button
                type="submit"
                className="rounded border border-slate-600 px-2 py-0.5 hover:bg-slate-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
              >
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      {mirror ? <MirrorBanner status={mirror} /> : null}
      <main id="main" className="mx-auto max-w-screen-2xl px-3 py-4">
        {children}
      </main>
    </div>
  );
}
