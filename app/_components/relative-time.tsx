"use client";
// A timestamp shown relative to now ("in 12 min", "3 h ago"), refreshed in the browser, with the
// absolute UTC time beside it or in its tooltip. Milliseconds arrive as a decimal string (exact).
import { useEffect, useState } from "react";
import { formatRelative, formatTimestamp } from "@/lib/destinations/humanize";

export function RelativeTime({
  ms,
  serverNow,
  absolute = false,
}: {
  ms: string;
  serverNow: string;
  absolute?: boolean;
}) {
  const [now, setNow] = useState<bigint>(() => BigInt(serverNow));
  useEffect(() => {
    setNow(BigInt(Date.now()));
    const t = setInterval(() => setNow(BigInt(Date.now())), 15_000);
    return () => clearInterval(t);
  }, []);
  const abs = formatTimestamp(BigInt(ms));
  const n = Number(ms);
  const iso = Number.isFinite(n) && Math.abs(n) <= 8.64e15 ? new Date(n).toISOString() : undefined;
  const rel = formatRelative(BigInt(ms), now);
  return (
    <time dateTime={iso} title={abs} suppressHydrationWarning data-ms={ms}>
      {absolute ? (
        <>
          <span className="whitespace-nowrap">{abs}</span>{" "}
          <span className="whitespace-nowrap text-slate-600" suppressHydrationWarning>
            ({rel})
          </span>
        </>
      ) : (
        <span className="whitespace-nowrap" suppressHydrationWarning>
          {rel}
        </span>
      )}
    </time>
  );
}
