// A named statement: PostgreSQL parses and plans it once per connection and then only binds
// and runs it. For the scheduler's few statements per attempt (claim, lock, record), parsing
// and planning were a large part of the database's CPU (see docs/benchmarks.md, scheduler).
// The name must always go with the same text: pg refuses a name reused for another text.
// (Behind PgBouncer in transaction mode this needs PgBouncer 1.21+ with max_prepared_statements.)
import type pg from "pg";

export function prepared(name: string, text: string, values: unknown[]): pg.QueryConfig {
  return { name, text, values };
}
