// The console's live stream of destination rows (lib/live/live-stream.ts). Signed-in members
// only (viewer role and up), by their console session; no bearer tokens (this is not the API).
import { optionalPrincipal } from "@/app/_auth/session";
import { isAppError } from "@/lib/errors";
import { LIVE_HEADERS, openLiveStream, parseSince } from "@/lib/live/live-stream";
import { parseWatchParam } from "@/lib/live/watch-hash";

export const dynamic = "force-dynamic";

export async function GET(req: Request): Promise<Response> {
  const me = await optionalPrincipal();
  if (!me) return new Response("Sign in to follow live updates.\n", { status: 401 });
  const url = new URL(req.url);
  const watch = {
    hashes: parseWatchParam(url.searchParams.get("w")),
    since: parseSince(req.headers.get("last-event-id"), url.searchParams.get("since")),
  };
  try {
    return new Response(await openLiveStream(me, watch), { headers: LIVE_HEADERS });
  } catch (e) {
    if (isAppError(e) && e.code === "forbidden") return new Response(`${e.message}\n`, { status: 403 });
    throw e;
  }
}
