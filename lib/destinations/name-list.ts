// "destination is one of these names" in SQL, as an index probe per name.
//
// Not `destination = ANY($1)`: while the search's trigram GIN index was on destinations, the
// planner preferred it for that (it answers equality too, and its cost estimate is tiny) and
// walked the posting lists of every trigram — 1.5–2.5 s for 200 names over 20,000
// destinations, measured, instead of ~1 ms. The index now lives on destination_names
// (name-search.ts); the sub-select stays, so the plan is a primary-key probe per name whatever
// index is added to destinations later.
export const IN_NAMES = (param: string) => `destination IN (SELECT unnest(${param}::text[]))`;
