"use client";
// The destination page follows its row on the live stream: when the row changes (an attempt
// recorded, a reset, a sync) the page re-renders from the server in place — React keeps the
// elements, so scroll position, focus and form state stay. No polling: the stream says when.
import { useRouter } from "next/navigation";
import { LiveIndicator, useLiveStream } from "@/app/_components/live-stream";

export function LiveRefresh({ destination, watch, since }: { destination: string; watch: string; since: number }) {
  const router = useRouter();
  const state = useLiveStream(watch, since, {
    rows: (u) => {
      if (u.rows.some((r) => r.destination === destination) || u.gone.includes(destination)) router.refresh();
    },
    reload: () => router.refresh(),
  });
  return (
    <div className="mb-1 flex justify-end">
      <LiveIndicator state={state} />
    </div>
  );
}
