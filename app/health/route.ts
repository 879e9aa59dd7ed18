import { healthResponse } from "@/lib/health";

export const dynamic = "force-dynamic";
export const GET = healthResponse;
