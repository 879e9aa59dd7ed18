// The shape of a fedctl command, declared once: its name, positionals and options are what the
// parser checks before anything runs, and what its usage line and --help are generated from.
import type { Db } from "../db";
import { formatOptionHelp, type OptionSpecs, type OptionValues } from "./parse-options";

/** What a command's run gets besides its arguments. */
export type CommandContext = {
  /** Opens the database on first call: a command validates its values first, then asks for it. */
  db(): Promise<Db>;
  /** One line to standard output. */
  out(line: string): void;
};

/** Positionals are all required, in declaration order: key → placeholder ("email" → "EMAIL"). */
type PositionalSpecs = Record<string, string>;

export type CommandSpec<P extends PositionalSpecs, O extends OptionSpecs> = {
  /** "users add", or one word ("migrate"). */
  name: string;
  /** One line for the overview. */
  summary: string;
  /** More lines for the command's --help. */
  details?: string;
  positionals: P;
  options: O;
  /** Resolves with the exit code. */
  run(input: { args: { [K in keyof P]: string }; values: OptionValues<O> }, ctx: CommandContext): Promise<number>;
};

/**
 * A command of the table, its argument types erased: `run` is a method, so a CommandSpec with
 * narrower arguments still fits (the parser guarantees the shapes its declaration promises).
 */
export type Command = CommandSpec<PositionalSpecs, OptionSpecs>;

/** Keeps a command's argument types for its run function while it is declared. */
export function defineCommand<const P extends PositionalSpecs, const O extends OptionSpecs>(
  spec: CommandSpec<P, O>,
): Command {
  return spec;
}

/** `users add EMAIL --role viewer|operator|admin [--password P]` */
export function usageLine(c: Command): string {
  const options = Object.entries(c.options).map(([name, o]) => {
    const s = `--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
    return o.required ? s : `[${s}]`;
  });
  return [c.name, ...Object.values(c.positionals), ...options].join(" ");
}

export function commandHelp(c: Command): string {
  return [
    `usage: fedctl ${usageLine(c)}`,
    "",
    c.summary,
    ...(c.details ? [c.details] : []),
    "",
    "options:",
    formatOptionHelp(c.options),
  ].join("\n");
}

/** The overview: every command's usage line and summary; `group` narrows it to one group. */
export function overview(commands: readonly Command[], group?: string): string {
  const shown = group ? commands.filter((c) => c.name.split(" ")[0] === group) : commands;
  const rows = shown.map((c) => [usageLine(c), c.summary]);
  const width = Math.min(44, Math.max(...rows.map(([l]) => l.length)));
  const lines = rows.map(([l, s]) =>
    l.length <= width ? `  ${l.padEnd(width)}  ${s}` : `  ${l}\n  ${" ".repeat(width)}  ${s}`,
  );
  return [
    `usage: fedctl ${group ?? "<command>"}${group ? " <command>" : ""}`,
    ...lines,
    "",
    "fedctl <command> --help (or fedctl help <command>) shows a command's options.",
  ].join("\n");
}
