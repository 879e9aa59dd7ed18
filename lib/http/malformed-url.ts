// Console URLs whose path does not decode: bad percent-encoding (`%`, `%ZZ`), truncated or
// overlong UTF-8 (`%E0%A4%A`, `%C0%AF`), encoded surrogates. Next decodes a dynamic segment
// (/destinations/<name>) with decodeURIComponent, fails, and then fails again rendering its 400
// page in an App Router build: the visitor gets a bare 500. scripts/start.ts answers such paths
// itself, before Next, with a plain 400 page. (The API has its own answer for them: a Matrix
// error, lib/http/api-router.ts.)
import type { ApiAnswer } from "./respond";

/** True when a segment of the URL's path is not valid percent-encoded UTF-8. */
export function hasMalformedPath(url: string): boolean {
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.includes("%")) return false; // the common case costs one scan
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bad address · Federation Console</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem">
<h1 style="font-size: 1.25rem">This address is not valid</h1>
<p>The link is malformed (its percent-encoding does not decode), so there is no page here.</p>
<p><a href="/destinations">Go to the destinations list</a></p>
</body></html>
`;

/** The 400 page for a malformed console URL: static, no script, never framed. */
export async function malformedUrlAnswer(): Promise<ApiAnswer> {
  return {
    status: 400,
    body: PAGE,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    },
  };
}
