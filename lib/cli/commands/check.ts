// fedctl check NAME [--json]: a federation check from this machine (README "Federation checks"),
// stored like the console's; exit 0 when federation works, 1 when it does not.
import { CLI_PRINCIPAL } from "@/lib/auth/principal";
import { processCheckEnv } from "@/lib/checks/check-env";
import { checkJson } from "@/lib/checks/check-json";
import { checkServer } from "@/lib/checks/check-server";
import { reportText } from "@/lib/checks/report-steps";
import { toJson } from "@/lib/http/json";
import { defineCommand } from "../command-table";

export const checkCommand = defineCommand({
  name: "check",
  summary: "check federation with a server name: well-known, DNS, TLS, keys and version per address",
  details: "Prints the report in steps, the verdict first. Exit 0 when federation works, 1 when it does not.",
  positionals: { name: "NAME" },
  options: { json: { type: "boolean", description: "print the stored check as the API's JSON instead" } },
  async run({ args, values }, ctx) {
    const db = await ctx.db();
    const stored = await checkServer(db.pool, CLI_PRINCIPAL, args.name, processCheckEnv());
    if (values.json) ctx.out(toJson(checkJson(stored)));
    else for (const line of stored.report === null ? [stored.headline ?? ""] : reportText(stored.report)) ctx.out(line);
    return stored.federationOk ? 0 : 1;
  },
});
