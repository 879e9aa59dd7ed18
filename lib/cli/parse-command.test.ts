import { test } from "node:test";
import assert from "node:assert/strict";
import { type Command, commandHelp, usageLine } from "./command-table";
import { COMMANDS } from "./commands/all-commands";
import { type ParseOutcome, parseCommand } from "./parse-command";

const parse = (...argv: string[]) => parseCommand(argv, COMMANDS);
/** The command's name and a placeholder value for each positional. */
const invocation = (c: Command) => [...c.name.split(" "), ...Object.keys(c.positionals).map((k) => `${k}-value`)];

function expectRun(o: ParseOutcome, name: string) {
  assert.equal(o.kind, "run", o.kind === "run" ? "" : o.text);
  if (o.kind !== "run") throw new Error("unreachable");
  assert.equal(o.command.name, name);
  return o.input;
}

function expectError(o: ParseOutcome): string {
  assert.equal(o.kind, "error", `expected a usage error, got ${o.kind}`);
  if (o.kind !== "error") throw new Error("unreachable");
  assert.equal(o.exitCode, 2);
  return o.text;
}

test("the --onlne typo stops destinations import with the valid options and its usage", () => {
  const text = expectError(parse("destinations", "import", "dump.jsonl", "--onlne"));
  assert.ok(text.startsWith("fedctl destinations import: unknown option --onlne (valid: --online, --help)\n"), text);
  assert.ok(text.includes("usage: fedctl destinations import FILE|- [--online]"), text);
  // Before the file name, as a short option, or with a value: refused all the same.
  assert.match(expectError(parse("destinations", "import", "--onlne", "dump.jsonl")), /unknown option --onlne/);
  assert.match(expectError(parse("destinations", "import", "--onlne=yes", "-")), /unknown option --onlne/);
  assert.match(expectError(parse("destinations", "import", "-o", "-")), /unknown option -o \(valid: --online/);
});

test("every command refuses an unknown option, naming it and listing the command's own options", () => {
  assert.ok(COMMANDS.length >= 10);
  for (const c of COMMANDS) {
    const valid = [...Object.keys(c.options), "help"].map((n) => `--${n}`).join(", ");
    for (const argv of [
      [...invocation(c), "--bogus"],
      [...c.name.split(" "), "--bogus"], // before positionals are checked: the option error wins
      [...invocation(c), "--bogus=1"],
    ]) {
      const text = expectError(parseCommand(argv, COMMANDS));
      assert.ok(text.startsWith(`fedctl ${c.name}: unknown option --bogus (valid: ${valid})\n`), `${argv}: ${text}`);
      assert.ok(text.includes(`usage: fedctl ${usageLine(c)}`), text);
    }
  }
});

test("every command's --help (and help <command>) prints its usage and options and exits 0", () => {
  for (const c of COMMANDS) {
    for (const argv of [
      [...c.name.split(" "), "--help"], // without its positionals or required options
      [...invocation(c), "-h"],
      ["help", ...c.name.split(" ")],
      ["--help", ...c.name.split(" ")],
    ]) {
      const o = parseCommand(argv, COMMANDS);
      assert.deepEqual(o, { kind: "help", text: commandHelp(c), exitCode: 0 }, argv.join(" "));
    }
    const help = commandHelp(c);
    assert.ok(help.startsWith(`usage: fedctl ${usageLine(c)}\n`), help);
    for (const name of Object.keys(c.options)) assert.ok(help.includes(`--${name}`), `${c.name}: --${name}`);
    assert.ok(help.includes("-h, --help"), help);
  }
});

test("positionals: missing and extra ones are usage errors", () => {
  for (const c of COMMANDS) {
    const extra = expectError(parseCommand([...invocation(c), "extra"], COMMANDS));
    assert.ok(extra.startsWith(`fedctl ${c.name}: unexpected argument "extra"\n`), extra);
  }
  assert.match(expectError(parse("users", "add", "--role", "admin")), /^fedctl users add: missing EMAIL\n/);
  assert.match(expectError(parse("users", "add", "a@example.org")), /^fedctl users add: missing --role\n/);
  assert.match(expectError(parse("users", "set-role", "a@example.org")), /^fedctl users set-role: missing ROLE\n/);
  assert.match(expectError(parse("destinations", "import")), /^fedctl destinations import: missing FILE\|-\n/);
});

test("option values: both --name value and --name=value; a missing value or a value for a switch is refused", () => {
  assert.deepEqual(expectRun(parse("tokens", "create", "a@example.org", "--name", "my script"), "tokens create"), {
    args: { email: "a@example.org" },
    values: { name: "my script" },
  });
  assert.deepEqual(expectRun(parse("tokens", "create", "--name=x=y", "a@example.org"), "tokens create").values, {
    name: "x=y",
  });
  assert.deepEqual(expectRun(parse("tokens", "create", "a@example.org"), "tokens create").values, {});
  assert.deepEqual(
    expectRun(parse("users", "add", "a@example.org", "--role", "admin", "--password", "a long password"), "users add"),
    { args: { email: "a@example.org" }, values: { role: "admin", password: "a long password" } },
  );
  assert.match(expectError(parse("tokens", "create", "a@example.org", "--name")), /: --name needs a value\n/);
  assert.match(
    expectError(parse("users", "add", "a@example.org", "--role", "--password", "p")),
    /: --role needs a value \(for a value starting with "-" write --role=--password\)/,
  );
  assert.equal(
    expectRun(parse("users", "add", "a@example.org", "--role", "admin", "--password=-dash"), "users add").values
      .password,
    "-dash",
  );
  assert.match(expectError(parse("destinations", "export", "--no-rooms=yes")), /: --no-rooms takes no value\n/);
});

test("destinations import: - is standard input, a switch never takes the file name, -- ends options", () => {
  assert.deepEqual(expectRun(parse("destinations", "import", "-"), "destinations import"), {
    args: { file: "-" },
    values: {},
  });
  assert.deepEqual(expectRun(parse("destinations", "import", "--online", "dump.jsonl"), "destinations import"), {
    args: { file: "dump.jsonl" },
    values: { online: true },
  });
  assert.deepEqual(expectRun(parse("destinations", "import", "-", "--online"), "destinations import").values, {
    online: true,
  });
  assert.equal(
    expectRun(parse("destinations", "import", "--", "--odd-name.jsonl"), "destinations import").args.file,
    "--odd-name.jsonl",
  );
  assert.deepEqual(expectRun(parse("destinations", "export", "--no-rooms"), "destinations export").values, {
    "no-rooms": true,
  });
  assert.deepEqual(expectRun(parse("migrate"), "migrate"), { args: {}, values: {} });
});

test("overview: no arguments exit 2, help and --help exit 0; unknown commands and options exit 2", () => {
  const none = parse();
  assert.equal(none.kind, "help");
  assert.equal(none.kind === "help" && none.exitCode, 2);
  for (const argv of [["help"], ["--help"], ["-h"]]) {
    const o = parseCommand(argv, COMMANDS);
    assert.equal(o.kind === "help" && o.exitCode, 0, argv.join(" "));
    assert.ok(o.kind === "help" && o.text.startsWith("usage: fedctl <command>\n"));
    for (const c of COMMANDS) assert.ok(o.kind === "help" && o.text.includes(`  ${usageLine(c)}`), c.name);
  }
  assert.match(expectError(parse("bogus")), /^unknown command: bogus\n\nusage: fedctl <command>\n/);
  assert.match(expectError(parse("users", "bogus")), /^unknown command: users bogus\n\nusage: fedctl users <command>/);
  assert.match(expectError(parse("help", "bogus")), /^unknown command: bogus\n/);
  assert.match(expectError(parse("--bogus")), /^fedctl: unknown option --bogus \(valid: --help\)\n/);
  assert.match(
    expectError(parse("users")),
    /^fedctl users: missing command \(one of add, list, set-role, remove\)\n\nusage: fedctl users <command>\n/,
  );
  const group = parse("users", "--help");
  assert.equal(group.kind === "help" && group.exitCode, 0);
  assert.ok(group.kind === "help" && group.text.includes("users set-role EMAIL ROLE"));
  assert.ok(group.kind === "help" && !group.text.includes("tokens create"));
  assert.deepEqual(parse("help", "users"), group);
});
