// This process's CheckEnv, built once from settings() (the resolver and guard are reusable).
import { settings } from "../settings/settings";
import { checkEnvFrom, type CheckEnv } from "./check-options";

let env: CheckEnv | undefined;

export function processCheckEnv(): CheckEnv {
  env ??= checkEnvFrom(settings());
  return env;
}
