// `npm run settings:table`: writes README's settings table from lib/settings/spec.ts.
import fs from "node:fs";
import path from "node:path";
import { withSettingsTable } from "../lib/settings/settings-table";

const readme = path.resolve(import.meta.dirname, "..", "README.md");
const before = fs.readFileSync(readme, "utf8");
const after = withSettingsTable(before);
if (after === before) console.log("README.md: settings table up to date");
else {
  fs.writeFileSync(readme, after);
  console.log("README.md: settings table written");
}
