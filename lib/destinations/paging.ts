// Synapse's paging rule: next_token = from + returned, present only when from + limit < total.
export function nextToken(from: bigint, limit: bigint, returned: number, total: bigint): bigint | null {
  return from + limit < total ? from + BigInt(returned) : null;
}

/** A LIKE pattern matching `term` literally as a substring. */
export function containsPattern(term: string): string {
  return "%" + term.replace(/[\\%_]/g, (c) => "\\" + c) + "%";
}
