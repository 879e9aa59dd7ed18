// /.well-known/matrix/* (client discovery for Synapse admin UIs) under plain `next start`;
// `npm start` answers it directly from lib/http/api-router.ts.
import { handleFetchRequest } from "@/lib/http/api-router";

export const dynamic = "force-dynamic";

export const GET = handleFetchRequest;
export const HEAD = handleFetchRequest;
export const OPTIONS = handleFetchRequest;
