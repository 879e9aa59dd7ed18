// A streamed answer's body, pulled chunk by chunk as the client reads it (backpressure: the
// next chunk is produced only once the previous one was taken, so memory stays one chunk).
// `close` runs exactly once: when the body is complete, when producing a chunk fails (the
// answer is cut off), when the client goes away, or when it takes nothing for
// STALLED_CLIENT_MS (its snapshot and slot are given back).

/** A client that takes nothing for this long gives its snapshot and slot back. */
export const STALLED_CLIENT_MS = 60_000;

export type PulledBody = {
  /** Written before the first chunk. */
  head?: string;
  /** The next chunk; null = no more. */
  next: () => Promise<string | null>;
  /** Written after the last chunk. */
  tail?: () => string;
  close: (error?: unknown) => Promise<void>;
};

export function pulledBody(b: PulledBody): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let finished = false;
  let stall: ReturnType<typeof setTimeout> | undefined;
  const finish = async (error?: unknown) => {
    if (finished) return;
    finished = true;
    clearTimeout(stall);
    await b.close(error);
  };
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (b.head) controller.enqueue(encoder.encode(b.head));
      },
      async pull(controller) {
        clearTimeout(stall);
        try {
          const text = await b.next();
          if (text === null) {
            if (b.tail) controller.enqueue(encoder.encode(b.tail()));
            controller.close();
            await finish();
            return;
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
}
