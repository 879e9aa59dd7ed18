import { test, expect } from "./support/fixtures";

test("GET /health answers ok when the server and its database answer", async ({ request }) => {
  const res = await request.get("/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: "ok" });
});
