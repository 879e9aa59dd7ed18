// fedctl migrate: opening the database applies pending migrations (lib/db/migrate.ts).
import { defineCommand } from "../command-table";

export const migrateCommand = defineCommand({
  name: "migrate",
  summary: "apply pending database migrations (the server also does this at start-up)",
  positionals: {},
  options: {},
  async run(_input, ctx) {
    await ctx.db();
    ctx.out("Migrations are up to date.");
    return 0;
  },
});
