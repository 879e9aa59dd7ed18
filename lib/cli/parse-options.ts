// Strict option parsing for fedctl and the bench/script entry points: node:util parseArgs with
// strict: true, its errors turned into one-line messages that name the offending argument and
// list the valid options. A typo (--onlne) must stop the program, never run it without the option.
import { parseArgs } from "node:util";

export type OptionSpec = {
  type: "string" | "boolean";
  /** One line for --help. */
  description: string;
  /** Placeholder of a string option's value in usage and help ("NAME"). */
  value?: string;
  short?: string;
  /** Present in the result even when not given (strings only; booleans default to absent). */
  default?: string;
  /** A string option the command cannot run without (see missingOption). */
  required?: boolean;
};
export type OptionSpecs = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S extends { type: "string" }
  ? string
  : S extends { type: "boolean" }
    ? boolean
    : string | boolean;
type AlwaysSet<S extends OptionSpec> = S extends { required: true }
  ? true
  : S extends { default: string }
    ? true
    : false;
/** The parsed values: defaulted options are always there, required ones once missingOption passed. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O as AlwaysSet<O[K]> extends true ? K : never]: ValueOf<O[K]>;
} & {
  [K in keyof O as AlwaysSet<O[K]> extends true ? never : K]?: ValueOf<O[K]>;
};

/** Every command and script takes --help (-h). */
export const HELP_OPTION = {
  help: { type: "boolean", short: "h", description: "show this help" },
} as const satisfies OptionSpecs;

export type ParsedOptions<O extends OptionSpecs> =
  | { ok: true; help: boolean; values: OptionValues<O>; positionals: string[] }
  | { ok: false; message: string };

/**
 * Parses argv against `options` (plus --help). Positionals and required options are the caller's
 * to check, after --help (which must work without them).
 */
export function parseOptions<O extends OptionSpecs>(argv: readonly string[], options: O): ParsedOptions<O> {
  const all: OptionSpecs = { ...options, ...HELP_OPTION };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: parseArgsConfig(all), strict: true, allowPositionals: true });
  } catch (e) {
    return { ok: false, message: explain(argv, all, e) };
  }
  const { help, ...values } = parsed.values;
  return { ok: true, help: help === true, values: values as OptionValues<O>, positionals: parsed.positionals };
}

/** "missing --role" for the first required option not given, checked after --help and positionals. */
export function missingOption(options: OptionSpecs, values: Record<string, unknown>): string | undefined {
  const name = Object.keys(options).find((n) => options[n].required && values[n] === undefined);
  return name === undefined ? undefined : `missing --${name}`;
}

/** "--online, --help": the long names, for error messages. */
export function validOptionList(options: OptionSpecs): string {
  return Object.keys({ ...options, ...HELP_OPTION })
    .map((n) => `--${n}`)
    .join(", ");
}

/** The options block of a --help text, one aligned line per option. */
export function formatOptionHelp(options: OptionSpecs): string {
  const rows = Object.entries({ ...options, ...HELP_OPTION } as OptionSpecs).map(([name, o]) => {
    const left = `${o.short ? `-${o.short}, ` : ""}--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
    const note = o.required ? " [required]" : o.default !== undefined ? ` [default ${o.default}]` : "";
    return [left, o.description + note];
  });
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`).join("\n");
}

/** Only the keys parseArgs knows, so its own validation of the config stays meaningful. */
function parseArgsConfig(options: OptionSpecs) {
  return Object.fromEntries(
    Object.entries(options).map(([name, o]) => [
      name,
      {
        type: o.type,
        ...(o.short ? { short: o.short } : {}),
        ...(o.default !== undefined ? { default: o.default } : {}),
      },
    ]),
  );
}

/**
 * parseArgs' strict errors say what is wrong but not in our words, and the unknown option is only
 * inside its message text; the non-strict tokens of the same argv tell exactly which one it is.
 */
function explain(argv: readonly string[], options: OptionSpecs, error: unknown): string {
  const { tokens } = parseArgs({
    args: [...argv],
    options: parseArgsConfig(options),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const t of tokens) {
    if (t.kind !== "option") continue;
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (!spec) return `unknown option ${t.rawName} (valid: ${validOptionList(options)})`;
    if (spec.type === "boolean" && t.value !== undefined) return `${t.rawName} takes no value`;
    if (spec.type === "string" && t.value === undefined) return `${t.rawName} needs a value`;
    if (spec.type === "string" && !t.inlineValue && t.value?.startsWith("-"))
      return `${t.rawName} needs a value (for a value starting with "-" write ${t.rawName}=${t.value})`;
  }
  return error instanceof Error ? error.message : String(error);
}
