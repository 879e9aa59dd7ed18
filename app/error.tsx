"use client";
// The console's error page. Server errors reach the browser without their message (Next keeps
// internals out of the page), so the page asks /health whether the database answers: if not,
// it says so plainly and watches /health, then re-renders the page by itself once the database
// is back — no reload, no restart. Any other error gets a reference to find in the server log.
import { useEffect, useRef, useState } from "react";

const CHECK_EVERY_MS = 3_000;

type Db = "checking" | "down" | "up";

export default function ErrorPage({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  const [db, setDb] = useState<Db>("checking");
  const wasDown = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new error (another failed render) starts the check again
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async () => {
      let ok = false;
      try {
        const res = await fetch("/health", { cache: "no-store" });
        ok = res.ok;
      } catch {
        ok = false; // the server itself does not answer: keep waiting as for the database
      }
      if (stopped) return;
      if (ok) {
        setDb("up");
        // The database came back: render the page again (its data is fetched anew).
        if (wasDown.current) retry();
        return;
      }
      wasDown.current = true;
      setDb("down");
      timer = setTimeout(check, CHECK_EVERY_MS);
    };
    void check();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [error, retry]);

  if (db === "down") {
    return (
      <main className="mx-auto mt-16 max-w-xl px-4" data-testid="database-down">
        <div role="alert" className="rounded border border-amber-300 bg-amber-50 p-4 text-amber-950">
          <h1 className="text-lg font-semibold">The database is not reachable</h1>
          <p className="mt-2 text-sm">
            Federation Console cannot reach its PostgreSQL database, so this page cannot be shown right now. Changes
            that were confirmed before are kept; nothing is lost.
          </p>
          <p className="mt-2 text-sm">
            This page checks again every {CHECK_EVERY_MS / 1000} seconds and comes back by itself when the database
            answers. The HTTP API answers <code>503</code> meanwhile.
          </p>
          <button
            type="button"
            onClick={() => retry()}
            className="mt-3 rounded border border-amber-400 bg-white px-3 py-1 text-sm hover:bg-amber-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
          >
            Try now
          </button>
        </div>
      </main>
    );
  }
  return (
    <main className="mx-auto mt-16 max-w-xl px-4" data-testid="server-error">
      <div role="alert" className="rounded border border-rose-300 bg-rose-50 p-4 text-rose-950">
        <h1 className="text-lg font-semibold">
          {db === "checking" ? "Something went wrong" : "Something went wrong on the server"}
        </h1>
        <p className="mt-2 text-sm">
          The page could not be shown. Try again; if it keeps failing, the server log has the details.
        </p>
        {error.digest ? (
          <p className="mt-2 text-xs text-rose-800">
            Reference for the server log: <code>{error.digest}</code>
          </p>
        ) : null}
        <button
          type="button"
          onClick={() => retry()}
          className="mt-3 rounded border border-rose-400 bg-white px-3 py-1 text-sm hover:bg-rose-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
        >
          Try again
        </button>
      </div>
    </main>
  );
}
