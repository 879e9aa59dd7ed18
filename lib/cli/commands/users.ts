// fedctl users add / list / set-role / remove: the team members who sign in to the console.
import { CLI_PRINCIPAL, parseRole } from "@/lib/auth/principal";
import { addUser, listUsers, removeUser, setUserRole } from "@/lib/auth/users";
import { createToken } from "@/lib/auth/tokens";
import { defineCommand } from "../command-table";

export const userCommands = [
  defineCommand({
    name: "users add",
    summary: "adds a team member (prints a generated password if none given)",
    positionals: { email: "EMAIL" },
    options: {
      role: { type: "string", value: "viewer|operator|admin", description: "the member's role", required: true },
      password: { type: "string", value: "P", description: "their password (default: a generated one, printed)" },
      token: {
        type: "string",
        value: "NAME",
        description: "also create an API token of theirs with this name, printed once (a script's account in one step)",
      },
    },
    async run({ args, values }, ctx) {
      const role = parseRole(values.role);
      const { prisma } = await ctx.db();
      const r = await addUser(prisma, CLI_PRINCIPAL, { email: args.email, role, password: values.password });
      ctx.out(`Added ${r.user.email} (${r.user.role}).`);
      if (r.generatedPassword) ctx.out(`Password: ${r.generatedPassword}`);
      if (values.token !== undefined) {
        const t = await createToken(prisma, CLI_PRINCIPAL, { ownerEmail: r.user.email, name: values.token });
        ctx.out(`Token: ${t.token}`);
      }
      return 0;
    },
  }),
  defineCommand({
    name: "users list",
    summary: "email, role, created",
    positionals: {},
    options: {},
    async run(_input, ctx) {
      for (const u of await listUsers((await ctx.db()).prisma, CLI_PRINCIPAL))
        ctx.out(`${u.email}\t${u.role}\t${u.createdAt.toISOString()}`);
      return 0;
    },
  }),
  defineCommand({
    name: "users set-role",
    summary: "changes a role (the last admin stays admin)",
    positionals: { email: "EMAIL", role: "ROLE" },
    options: {},
    async run({ args }, ctx) {
      const role = parseRole(args.role);
      const u = await setUserRole((await ctx.db()).prisma, CLI_PRINCIPAL, args.email, role);
      ctx.out(`${u.email} is now ${u.role}.`);
      return 0;
    },
  }),
  defineCommand({
    name: "users remove",
    summary: "removes a member and their tokens (never the last admin)",
    positionals: { email: "EMAIL" },
    options: {},
    async run({ args }, ctx) {
      await removeUser((await ctx.db()).prisma, CLI_PRINCIPAL, args.email);
      ctx.out(`Removed ${args.email}.`);
      return 0;
    },
  }),
];
