// /.well-known/matrix/* (client discovery for Synapse admin UIs) under plain `next start`;
// `npm start` answers it directly from lib/http/api-router.ts.
import { handleApiRequest } from "@/lib/http/api-router";

export const dynamic = "force-dynamic";

export const GET = handleApiRequest;
export const HEAD = handleApiRequest;
export const OPTIONS = handleApiRequest;
