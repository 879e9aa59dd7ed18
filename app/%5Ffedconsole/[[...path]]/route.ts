// Every /_fedconsole/... request (our own API) (the folder name escapes the leading underscore, which would
// otherwise make the segment private). Routing, auth and errors live in lib/http/api-router.
import { handleApiRequest } from "@/lib/http/api-router";

export const dynamic = "force-dynamic";

export const GET = handleApiRequest;
export const HEAD = handleApiRequest;
export const POST = handleApiRequest;
export const PUT = handleApiRequest;
export const DELETE = handleApiRequest;
export const PATCH = handleApiRequest;
export const OPTIONS = handleApiRequest;
