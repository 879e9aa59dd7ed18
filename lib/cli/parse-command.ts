// fedctl's argv → the command to run with checked arguments, or the text to print and the exit
// code. Pure (no I/O): everything a typo can trigger is decided here, before a database is opened.
import { type Command, commandHelp, overview } from "./command-table";
import { missingOption, parseOptions } from "./parse-options";

export type ParseOutcome =
  /** Print `text` on standard output and exit with `exitCode`. */
  | { kind: "help"; text: string; exitCode: 0 | 2 }
  /** Print `text` on standard error and exit 2 (a usage error). */
  | { kind: "error"; text: string; exitCode: 2 }
  | { kind: "run"; command: Command; input: Parameters<Command["run"]>[0] };

const isHelpFlag = (a: string | undefined) => a === "--help" || a === "-h";

export function parseCommand(argv: readonly string[], commands: readonly Command[]): ParseOutcome {
  const [first, ...rest] = argv;
  if (first === undefined) return { kind: "help", text: overview(commands), exitCode: 2 };
  if (first === "help" || isHelpFlag(first)) return helpFor(rest, commands);
  if (first.startsWith("-")) return usageError(`fedctl: unknown option ${first} (valid: --help)`, overview(commands));

  const found = findCommand(argv, commands);
  if (found.kind !== "command") return found.outcome;
  const { command, rest: commandArgv } = found;
  const err = (message: string) => usageError(`fedctl ${command.name}: ${message}`, commandHelp(command));

  const parsed = parseOptions(commandArgv, command.options);
  if (!parsed.ok) return err(parsed.message);
  if (parsed.help) return { kind: "help", text: commandHelp(command), exitCode: 0 };
  const names = Object.entries(command.positionals);
  if (parsed.positionals.length < names.length) return err(`missing ${names[parsed.positionals.length][1]}`);
  if (parsed.positionals.length > names.length)
    return err(`unexpected argument ${JSON.stringify(parsed.positionals[names.length])}`);
  const missing = missingOption(command.options, parsed.values);
  if (missing) return err(missing);
  const args = Object.fromEntries(names.map(([key], i) => [key, parsed.positionals[i]]));
  return { kind: "run", command, input: { args, values: parsed.values } };
}

type Found = { kind: "command"; command: Command; rest: string[] } | { kind: "other"; outcome: ParseOutcome };

/** The command whose name is argv's first one or two words ("migrate", "users add"). */
function findCommand(argv: readonly string[], commands: readonly Command[]): Found {
  const [group, sub] = argv;
  const exact = commands.find((c) => c.name === `${group} ${sub}`) ?? commands.find((c) => c.name === group);
  if (exact) return { kind: "command", command: exact, rest: argv.slice(exact.name.split(" ").length) };
  const inGroup = commands.filter((c) => c.name.startsWith(`${group} `));
  if (inGroup.length === 0) return other(usageError(`unknown command: ${group}`, overview(commands)));
  if (sub !== undefined && !sub.startsWith("-"))
    return other(usageError(`unknown command: ${group} ${sub}`, overview(commands, group)));
  if (argv.slice(1).some(isHelpFlag)) return other({ kind: "help", text: overview(commands, group), exitCode: 0 });
  const names = inGroup.map((c) => c.name.split(" ")[1]).join(", ");
  return other(usageError(`fedctl ${group}: missing command (one of ${names})`, overview(commands, group)));
}

/** `fedctl help`, `fedctl help users`, `fedctl help users add` (and the same after --help). */
function helpFor(words: readonly string[], commands: readonly Command[]): ParseOutcome {
  if (words.length === 0) return { kind: "help", text: overview(commands), exitCode: 0 };
  const found = findCommand([...words, "--help"], commands);
  if (found.kind === "other") return found.outcome;
  if (found.rest.length > 1)
    return usageError(`fedctl help: unexpected argument ${JSON.stringify(found.rest[0])}`, overview(commands));
  return { kind: "help", text: commandHelp(found.command), exitCode: 0 };
}

const other = (outcome: ParseOutcome): Found => ({ kind: "other", outcome });

function usageError(message: string, usage: string): ParseOutcome {
  return { kind: "error", text: `${message}\n\n${usage}`, exitCode: 2 };
}
