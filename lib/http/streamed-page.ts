// A page answer written as its rows arrive: {"<key>":[item,…],"total":N[,"next_token":"…"]},
// byte for byte what jsonAnswer(destinationsPageJson(…)) writes for the same page (the
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
import { pulledBody } from "./pulled-body";
import { type ApiAnswer, streamedAnswer } from "./respond";

export { STALLED_CLIENT_MS } from "./pulled-body";

export type StreamedPage<T> = {
  key: string;
  from: bigint;
  limit: bigint;
  page: PageStream<T>;
  itemJson: (item: T) => JsonValue;
  /** Called once, when the answer is complete, cut off or abandoned. */
  done: () => void;
};

export function streamedPageAnswer<T>(p: StreamedPage<T>): ApiAnswer {
  let returned = 0;
  const body = pulledBody({
    head: `{${JSON.stringify(p.key)}:[`,
    next: async () => {
      const batch = await p.page.next();
      if (batch === null) return null;
      let text = "";
      for (const item of batch) text += (returned++ === 0 ? "" : ",") + toJson(p.itemJson(item));
      return text;
    },
    tail: () => {
      const token = nextToken(p.from, p.limit, returned, p.page.total);
      const tail = token === null ? "" : `,"next_token":${JSON.stringify(token.toString())}`;
      return `],"total":${p.page.total}${tail}}`;
    },
    close: async (error) => {
      await p.page.close(error);
      p.done();
    },
  });
  return streamedAnswer(200, body);
}
