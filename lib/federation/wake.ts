// How a reset reaches the scheduler at once: a PostgreSQL NOTIFY on this channel, sent inside
// the reset's transaction so it is delivered exactly when the reset commits, to every
// scheduler process listening on the same database (the in-process one included).
export const WAKE_CHANNEL = "fedconsole_wake";

/** "Flush cached discovery" for a destination (payload: its name): each scheduler drops what it cached. */
export const FLUSH_DISCOVERY_CHANNEL = "fedconsole_flush_discovery";
