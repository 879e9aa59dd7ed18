// Every fedctl command, in the order the overview lists them. A command added here is parsed,
// documented by --help and covered by the unknown-option and --help tests without more code.
import type { Command } from "../command-table";
import { checkCommand } from "./check";
import { destinationCommands } from "./destinations";
import { migrateCommand } from "./migrate";
import { tokenCommands } from "./tokens";
import { upstreamCommands } from "./upstream";
import { userCommands } from "./users";
import { webhookCommands } from "./webhooks";

export const COMMANDS: readonly Command[] = [
  ...userCommands,
  ...tokenCommands,
  ...destinationCommands,
  ...upstreamCommands,
  migrateCommand,
  checkCommand,
  ...webhookCommands,
];
