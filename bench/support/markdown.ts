// Updates one generated section of docs/benchmarks.md in place, leaving everything else in
// the file (other sections, hand-written notes) as it is. A section lives between
//   <!-- bench:KEY begin … -->  and  <!-- bench:KEY end -->
// and is appended at the end of the file the first time.
export function replaceSection(doc: string, key: string, heading: string, body: string): string {
  const begin = `<!-- bench:${key} begin (written by npm run bench; edit outside these markers) -->`;
  const end = `<!-- bench:${key} end -->`;
  const block = `${begin}\n${heading}\n\n${body.trim()}\n${end}`;
  const re = new RegExp(`<!-- bench:${key} begin[^>]*-->[\\s\\S]*?<!-- bench:${key} end -->`);
  if (re.test(doc)) return doc.replace(re, () => block);
  return doc.replace(/\s*$/, "") + "\n\n" + block + "\n";
}
