"use client";
// Re-renders the page's server components while something is in progress (an attempt after a
// reset), so the result appears without a manual reload. Stops once nothing is in progress.
import { useRouter } from "next/navigation";
import { useEffect } from "react";

export function AutoRefresh({ active, intervalMs = 1000 }: { active: boolean; intervalMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(t);
  }, [active, intervalMs, router]);
  return null;
}
