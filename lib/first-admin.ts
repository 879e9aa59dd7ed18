// First start on an empty database: create the first admin from ADMIN_EMAIL/ADMIN_PASSWORD,
// or say how to create one.
import type { PrismaClient } from "./generated/prisma/client";
import { CLI_PRINCIPAL } from "./auth/principal";
import { addUser, countUsers } from "./auth/users";
import type { Settings } from "./settings/settings";

export async function ensureFirstAdmin(
  prisma: PrismaClient,
  firstAdmin: Settings["firstAdmin"],
  log: (m: string) => void,
): Promise<void> {
  if ((await countUsers(prisma)) > 0) return;
  if (firstAdmin) {
    const { email, password } = firstAdmin;
    await addUser(prisma, CLI_PRINCIPAL, { email, role: "admin", password });
    log(`Created the first admin ${email} from ADMIN_EMAIL/ADMIN_PASSWORD.`);
    return;
  }
  log(
    "No users yet. Create the first admin with:\n" +
      "  npm run --silent fedctl -- users add you@example.org --role admin --password 'a long password'\n" +
      "and an API token for scripts with:\n" +
      "  npm run --silent fedctl -- tokens create you@example.org --name my-script\n" +
      "(or start with ADMIN_EMAIL and ADMIN_PASSWORD set).",
  );
}
