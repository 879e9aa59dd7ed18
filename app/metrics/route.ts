// GET /metrics under a bare `next start` (scripts/start.ts answers it from lib/ directly).
import { handleFetchRequest } from "@/lib/http/api-router";

export const dynamic = "force-dynamic";

export const GET = handleFetchRequest;
export const HEAD = handleFetchRequest;
export const OPTIONS = handleFetchRequest;
