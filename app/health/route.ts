import { healthAnswer } from "@/lib/health";
import { toResponse } from "@/lib/http/respond";

export const dynamic = "force-dynamic";
export const GET = async () => toResponse(await healthAnswer());
