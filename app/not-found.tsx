// The console's 404 page. Next's built-in one styles itself with inline style attributes and a
// <style> element without the page's nonce, which the console's Content-Security-Policy
// (proxy.ts) refuses; this one uses the console's own stylesheet.
import Link from "next/link";

export const metadata = { title: "Not found · Federation Console" };

export default function NotFound() {
  return (
    <main className="mx-auto mt-16 max-w-xl px-4" data-testid="not-found">
      <h1 className="text-lg font-semibold">Not found</h1>
      <p className="mt-2 text-sm text-slate-700">There is no page at this address.</p>
      <p className="mt-3 text-sm">
        <Link href="/destinations" className="text-sky-800 hover:underline">
          Back to the destinations
        </Link>
      </p>
    </main>
  );
}
