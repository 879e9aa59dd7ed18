// The substring search (Synapse's `destination` filter: LOWER(destination) LIKE %term%) in SQL.
// It runs on destination_names, the table of names alone that carries the trigram index
// (migration 20261202090000_destination_names): the index is never rewritten by the updates
// destinations sees all day, and counting the matches reads narrow rows.
//
// `param` is a containsPattern() (paging.ts) bound as text. ILIKE, as Synapse lowers both sides.

/** "This destination's name matches", for a WHERE clause on destinations. */
export const NAME_MATCHES = (param: string) =>
  `destination IN (SELECT n.destination FROM destination_names n WHERE n.destination ILIKE ${param})`;

/** The exact number of destinations whose name matches (kept exact by the table's triggers). */
export const COUNT_NAME_MATCHES = (param: string) =>
  `SELECT count(*) AS n FROM destination_names WHERE destination ILIKE ${param}`;
