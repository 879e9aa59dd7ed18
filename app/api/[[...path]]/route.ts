// /api/report and /api/federation-ok (the federation tester's API) under a bare `next start`;
// scripts/start.ts answers them without Next. Routing, auth and errors live in lib/http/api-router.
import { handleFetchRequest } from "@/lib/http/api-router";

export const dynamic = "force-dynamic";

export const GET = handleFetchRequest;
export const HEAD = handleFetchRequest;
export const OPTIONS = handleFetchRequest;
export const POST = handleFetchRequest;
