// Every /_matrix/... request (the folder name escapes the leading underscore, which would
// otherwise make the segment private). Routing, auth and errors live in lib/http/api-router.
import { handleFetchRequest } from "@/lib/http/api-router";

export const dynamic = "force-dynamic";

export const GET = handleFetchRequest;
export const HEAD = handleFetchRequest;
export const POST = handleFetchRequest;
export const PUT = handleFetchRequest;
export const DELETE = handleFetchRequest;
export const PATCH = handleFetchRequest;
export const OPTIONS = handleFetchRequest;
