// Our own API beside Synapse's, under /_fedconsole/v1 (README "Our own API"): the same bearer
// tokens, the same {errcode, error} errors and CORS. Each route calls the same lib/ function as
// the console's server action for that operation.
import type { Route } from "../route";

export const FEDCONSOLE_PREFIX = ["_fedconsole", "v1"];

export const FEDCONSOLE_ROUTES: Route[] = [];
