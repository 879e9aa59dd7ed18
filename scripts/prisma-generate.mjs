// Runs `prisma generate` offline: the client needs no native engine, but the CLI insists on
// locating one, so point it at a harmless executable (see ../shared/reference/toolchain.md).
import { spawnSync } from "node:child_process";
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/false",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
};
const r = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], { stdio: "inherit", env });
process.exit(r.status ?? 1);
