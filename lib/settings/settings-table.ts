// README's settings table, generated from spec.ts (`npm run settings:table` writes it between
// the markers; settings.test.ts fails when README holds anything else there).
import { SETTINGS, SWITCH_WORDS } from "./spec";

export const TABLE_START = "<!-- settings-table: generated from lib/settings/spec.ts by `npm run settings:table` -->";
export const TABLE_END = "<!-- /settings-table -->";

export function settingsTable(): string {
  const rows = Object.entries(SETTINGS).map(([name, s]) => {
    const def = "defaultDoc" in s ? s.defaultDoc : `\`${s.default}\``;
    return `| \`${name}\` | ${def} | ${s.meaning} |`;
  });
  return [
    `Switches accept ${SWITCH_WORDS}; durations are milliseconds or an integer with a suffix s m h d w y; an unset or blank variable means its default. A bad value stops start-up with a message naming the variable and the forms it accepts.`,
    "",
    "| variable | default | meaning |",
    "|---|---|---|",
    ...rows,
  ].join("\n");
}

/** README with the table between the markers replaced by the generated one. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start)
    throw new Error(`README.md has no settings-table markers (${TABLE_START} … ${TABLE_END})`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${settingsTable()}\n${readme.slice(end)}`;
}
