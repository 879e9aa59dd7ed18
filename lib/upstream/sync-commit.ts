/**
 * For the sync's own transactions only: what they write is the homeserver's data, read again by
 * the next pass, and acknowledged to nobody — so they need not wait for the WAL flush (a few
 * ms a commit, most of an unchanged pass's time otherwise). Transaction-scoped (SET LOCAL): a
 * pooled connection never carries it into a reset or an audit write.
 */
export const SYNC_COMMIT_OFF = "SET LOCAL synchronous_commit = off";
