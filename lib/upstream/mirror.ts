// This process's mirror context: whether the console mirrors a homeserver, from where, and the
// admin API a reset is relayed to. undefined = standalone. Built once from settings().upstream
// (tests install their own).
import { settings, type Settings } from "../settings/settings";
import { createUpstreamAdmin, createUpstreamSource } from "./sources";
import type { UpstreamAdmin, UpstreamSource } from "./types";

export type MirrorContext = {
  /** Where reads come from. */
  kind: "api" | "database";
  /** What the console header names ("hs.example.org:8008", "database synapse@db"). */
  label: string;
  /** The admin API resets are relayed to; undefined with a database source only. */
  admin?: UpstreamAdmin;
  /** A new source (the syncer owns and closes it). */
  source(): UpstreamSource;
  /** The process's long-lived source for reads-through (console pages), made on first use. */
  reader(): UpstreamSource;
  timeoutMs: number;
};

const g = globalThis as { __fedconsoleMirror?: { ctx?: MirrorContext | null } };
g.__fedconsoleMirror ??= {};
const holder = g.__fedconsoleMirror;

export function mirrorContextFrom(s: Settings): MirrorContext | undefined {
  const u = s.upstream;
  if (!u) return undefined;
  const probe = createUpstreamSource(s);
  const label = probe.label;
  const kind = probe.kind;
  void probe.close();
  let reader: UpstreamSource | undefined;
  return {
    kind,
    label,
    admin: createUpstreamAdmin(s),
    source: () => createUpstreamSource(s),
    reader: () => {
      reader ??= createUpstreamSource(s);
      return reader;
    },
    timeoutMs: u.timeoutMs,
  };
}

/** The mirror of this process's settings, or undefined when standalone. */
export function mirrorContext(): MirrorContext | undefined {
  if (holder.ctx === undefined) holder.ctx = mirrorContextFrom(settings()) ?? null;
  return holder.ctx ?? undefined;
}

/** Tests: install a context (undefined = standalone; null = build from settings again). */
export function installMirrorContext(ctx: MirrorContext | undefined | null): void {
  holder.ctx = ctx === null ? undefined : (ctx ?? null);
}
