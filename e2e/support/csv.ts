// A strict RFC 4180 reader for checking exported files: quoted fields may hold commas, quotes
// (doubled) and newlines; a quote anywhere else, an unterminated quote or a record with a
// different number of fields than the header is an error.
export function parseCsvStrict(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let i = 0;
  let quoted = false;
  let fieldStart = true;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < text.length && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r")
          throw new Error(`character after a closing quote at ${i}`);
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (!fieldStart) throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      fieldStart = false;
      i++;
    } else if (c === ",") {
      record.push(field);
      field = "";
      fieldStart = true;
      i++;
    } else if (c === "\n" || c === "\r") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      fieldStart = true;
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
    } else {
      field += c;
      fieldStart = false;
      i++;
    }
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (!fieldStart || record.length) {
    record.push(field);
    records.push(record);
  }
  const width = records[0]?.length ?? 0;
  for (const [n, r] of records.entries()) {
    if (r.length !== width) throw new Error(`record ${n} has ${r.length} fields, the header ${width}`);
  }
  return records;
}
