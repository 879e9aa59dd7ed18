// First start on an empty database: create the first admin from ADMIN_EMAIL/ADMIN_PASSWORD,
// or say how to create one — on the first-run page with a one-time setup code, or with fedctl.
import type pg from "pg";
import type { PrismaClient } from "./generated/prisma/client";
import { issueSetupCode } from "./auth/first-run";
import { CLI_PRINCIPAL } from "./auth/principal";
import { addUser, countUsers } from "./auth/users";
import type { Settings } from "./settings/settings";

export async function ensureFirstAdmin(
  db: { prisma: PrismaClient; pool: pg.Pool },
  firstAdmin: Settings["firstAdmin"],
  log: (m: string) => void,
  setupUrl: string,
): Promise<void> {
  const { prisma } = db;
  if ((await countUsers(prisma)) > 0) return;
  if (firstAdmin) {
    const { email, password } = firstAdmin;
    await addUser(prisma, CLI_PRINCIPAL, { email, role: "admin", password });
    log(`Created the first admin ${email} from ADMIN_EMAIL/ADMIN_PASSWORD.`);
    return;
  }
  const code = await issueSetupCode(db.pool);
  if (code === null) return; // another instance created one meanwhile
  log(
    `No users yet. Create the first admin in the browser at ${setupUrl} with the one-time setup code ${code}\n` +
      "(from this machine no code is needed), or with:\n" +
      "  npm run --silent fedctl -- users add you@example.org --role admin --password 'a long password'\n" +
      "and an API token for scripts with:\n" +
      "  npm run --silent fedctl -- tokens create you@example.org --name my-script\n" +
      "(or start with ADMIN_EMAIL and ADMIN_PASSWORD set).",
  );
}
