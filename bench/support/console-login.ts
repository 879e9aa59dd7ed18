// A console session for benches: signs in once through the real login form in Chromium and
// returns the session cookie as a Cookie header, for plain HTTP clients to reuse.
import fs from "node:fs";
import { chromium } from "@playwright/test";

export async function consoleCookie(baseUrl: string, email: string, password: string): Promise<string> {
  const browser = await chromium.launch({
    executablePath: fs.existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ baseURL: baseUrl });
    await page.goto("/login");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("whoami").waitFor();
    const cookies = await page.context().cookies();
    return cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  } finally {
    await browser.close();
  }
}
