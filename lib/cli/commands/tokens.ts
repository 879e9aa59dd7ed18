// fedctl tokens create / list / revoke: API tokens for scripts (shown once, stored hashed).
import { CLI_PRINCIPAL } from "@/lib/auth/principal";
import { createToken, listTokens, revokeToken } from "@/lib/auth/tokens";
import { defineCommand } from "../command-table";

export const tokenCommands = [
  defineCommand({
    name: "tokens create",
    summary: "prints only the token (shown once)",
    positionals: { email: "EMAIL" },
    options: { name: { type: "string", value: "NAME", description: "what the token is for (shown by tokens list)" } },
    async run({ args, values }, ctx) {
      const r = await createToken((await ctx.db()).prisma, CLI_PRINCIPAL, {
        ownerEmail: args.email,
        name: values.name,
      });
      ctx.out(r.token);
      return 0;
    },
  }),
  defineCommand({
    name: "tokens list",
    summary: "id, prefix, owner, name, created, last used, revoked",
    positionals: {},
    options: {},
    async run(_input, ctx) {
      for (const t of await listTokens((await ctx.db()).prisma, CLI_PRINCIPAL, { all: true })) {
        const state = t.revokedAt ? `revoked ${t.revokedAt.toISOString()}` : "active";
        ctx.out(
          `${t.id}\t${t.prefix}…\t${t.ownerEmail}\t${t.name}\tcreated ${t.createdAt.toISOString()}\tlast used ${t.lastUsedAt?.toISOString() ?? "never"}\t${state}`,
        );
      }
      return 0;
    },
  }),
  defineCommand({
    name: "tokens revoke",
    summary: "revokes a token at once",
    positionals: { idOrPrefix: "ID|PREFIX" },
    options: {},
    async run({ args }, ctx) {
      const t = await revokeToken((await ctx.db()).prisma, CLI_PRINCIPAL, args.idOrPrefix);
      ctx.out(`Revoked ${t.prefix}… (${t.name}, ${t.ownerEmail}).`);
      return 0;
    },
  }),
];
