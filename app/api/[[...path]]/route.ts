// /api/report and /api/federation-ok (the federation tester's API) under a bare `next start`;
// scripts/start.ts answers them without Next. Routing, auth and errors live in lib/http/api-router.
import { handleApiRequest } from "@/lib/http/api-router";

export const dynamic = "force-dynamic";

export const GET = handleApiRequest;
export const HEAD = handleApiRequest;
export const OPTIONS = handleApiRequest;
export const POST = handleApiRequest;
