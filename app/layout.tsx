import "./globals.css";
import { connection } from "next/server";
import type { ReactNode } from "react";

export const metadata = { title: "Federation Console" };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so that each carries the nonce of its own
  // Content-Security-Policy (proxy.ts); a page prerendered at build time could not.
  await connection();
  return (
    <html lang="en">
      <body className="bg-slate-50 text-slate-900 antialiased">{children}</body>
    </html>
  );
}
