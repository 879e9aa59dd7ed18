"use client";
import { useState } from "react";

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [done, setDone] = useState<"" | "copied" | "failed">("");
  return (
    <button
      type="button"
      className="rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
          setDone("copied");
        } catch {
          setDone("failed");
        }
      }}
    >
      {done === "copied" ? "Copied" : done === "failed" ? "Copy failed: select and copy" : label}
    </button>
  );
}
