// GET /metrics under a bare `next start` (scripts/start.ts answers it from lib/ directly).
import { handleApiRequest } from "@/lib/http/api-router";

export const dynamic = "force-dynamic";

export const GET = handleApiRequest;
export const HEAD = handleApiRequest;
export const OPTIONS = handleApiRequest;
