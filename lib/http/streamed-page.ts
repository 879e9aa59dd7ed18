// A page answer written as its rows arrive: {"<key>":[item,…],"total":N[,"next_token":"…"]},
// byte for byte what jsonResponse(destinationsPageJson(…)) writes for the same page (the
// total and next_token come after the items in Synapse's JSON, so nothing has to be known
// before the first row). The rows come in batches from a PageStream (a cursor in one
// snapshot); a batch is read only when the client has taken the previous one (backpressure),
// so memory stays one batch whatever the page size.
//
// Headers are sent before the rows: an error after that (database down mid-way) cannot
// become an error status, so the answer is cut off instead — a truncated chunked body,
// never valid-looking JSON with rows missing.
import { nextToken } from "../destinations/paging";
import type { PageStream } from "../destinations/types";
import { type JsonValue, toJson } from "./json";
import { streamedResponse } from "./respond";

/** A client that takes nothing for this long gives its snapshot and slot back. */
export const STALLED_CLIENT_MS = 60_000;

export type StreamedPage<T> = {
  key: string;
  from: bigint;
  limit: bigint;
  page: PageStream<T>;
  itemJson: (item: T) => JsonValue;
  /** Called once, when the answer is complete, cut off or abandoned. */
  done: () => void;
};

export function streamedPageResponse<T>(p: StreamedPage<T>): Response {
  const encoder = new TextEncoder();
  let returned = 0;
  let finished = false;
  let stall: ReturnType<typeof setTimeout> | undefined;
  const finish = async (error?: unknown) => {
    if (finished) return;
    finished = true;
    clearTimeout(stall);
    await p.page.close(error);
    p.done();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controller.enqueue(encoder.encode(`{${JSON.stringify(p.key)}:[`));
      },
      async pull(controller) {
        clearTimeout(stall);
        try {
          const batch = await p.page.next();
          if (batch === null) {
            const token = nextToken(p.from, p.limit, returned, p.page.total);
            const tail = token === null ? "" : `,"next_token":${JSON.stringify(token.toString())}`;
            controller.enqueue(encoder.encode(`],"total":${p.page.total}${tail}}`));
            controller.close();
            await finish();
            return;
          }
          let text = "";
          for (const item of batch) {
            text += (returned++ === 0 ? "" : ",") + toJson(p.itemJson(item));
          }
          controller.enqueue(encoder.encode(text));
          stall = setTimeout(() => {
            controller.error(new Error("client stalled"));
            void finish(new Error("client stalled"));
          }, STALLED_CLIENT_MS);
        } catch (e) {
          controller.error(e);
          await finish(e);
        }
      },
      async cancel() {
        await finish(new Error("client went away"));
      },
    },
    { highWaterMark: 0 },
  );
  return streamedResponse(200, body);
}
