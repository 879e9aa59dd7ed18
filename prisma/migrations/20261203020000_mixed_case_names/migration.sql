-- The few names that are not their own lower case, for the exact count of a wide substring
-- filter (lib/destinations/count-containing.ts): for every other name a case-insensitive match
-- is a plain byte match, ~2.5× cheaper per row than ILIKE.
CREATE INDEX "destination_names_mixed_case" ON "destination_names"("destination") WHERE "destination" <> lower("destination");
