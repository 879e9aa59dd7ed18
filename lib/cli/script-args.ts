// Arguments of the bench and script entry points (bench/*.ts, scripts/gen-destinations.ts): the
// same strict parsing as fedctl, a generated --help, and exit 2 on a mistake, before any work.
import { formatOptionHelp, missingOption, type OptionSpecs, type OptionValues, parseOptions } from "./parse-options";

export type ScriptSpec<O extends OptionSpecs> = {
  /** How it is run, for messages: "npm run bench". */
  name: string;
  /** What follows the name in the usage line: "[-- options]". */
  usage: string;
  /** What it does, for --help (may span lines). */
  description: string;
  options: O;
  /** Placeholders of the optional positionals it takes, in order (default: none). */
  positionals?: readonly string[];
};

export type ScriptArgsOutcome<O extends OptionSpecs> =
  | { kind: "ok"; values: OptionValues<O>; positionals: string[] }
  | { kind: "help"; text: string }
  | { kind: "error"; text: string };

export function scriptHelp(spec: ScriptSpec<OptionSpecs>): string {
  return [
    `usage: ${spec.name} ${spec.usage}`,
    "",
    spec.description,
    "",
    "options:",
    formatOptionHelp(spec.options),
  ].join("\n");
}

/** Pure: what `scriptArgs` prints and does. */
export function parseScriptArgs<const O extends OptionSpecs>(
  spec: ScriptSpec<O>,
  argv: readonly string[],
): ScriptArgsOutcome<O> {
  const error = (message: string) => ({
    kind: "error" as const,
    text: `${spec.name}: ${message}\n\n${scriptHelp(spec)}`,
  });
  const parsed = parseOptions(argv, spec.options);
  if (!parsed.ok) return error(parsed.message);
  if (parsed.help) return { kind: "help", text: scriptHelp(spec) };
  const max = spec.positionals?.length ?? 0;
  if (parsed.positionals.length > max) return error(`unexpected argument ${JSON.stringify(parsed.positionals[max])}`);
  const missing = missingOption(spec.options, parsed.values);
  if (missing) return error(missing);
  return { kind: "ok", values: parsed.values, positionals: parsed.positionals };
}

/** The checked arguments; prints the help and exits 0 on --help, prints the mistake and exits 2 on one. */
export function scriptArgs<const O extends OptionSpecs>(
  spec: ScriptSpec<O>,
  argv: readonly string[] = process.argv.slice(2),
): { values: OptionValues<O>; positionals: string[] } {
  const r = parseScriptArgs(spec, argv);
  if (r.kind === "ok") return r;
  if (r.kind === "help") {
    process.stdout.write(r.text + "\n");
    process.exit(0);
  }
  process.stderr.write(r.text + "\n");
  process.exit(2);
}

/** A count ("100000", "1e6"), or exit 2 naming the option: `--n abc` must not run with NaN. */
export function integerArg(name: string, raw: string): number {
  const n = raw.trim() === "" ? Number.NaN : Number(raw);
  if (Number.isSafeInteger(n) && n >= 0) return n;
  process.stderr.write(`${name} must be a non-negative integer, not ${JSON.stringify(raw)}\n`);
  process.exit(2);
}
