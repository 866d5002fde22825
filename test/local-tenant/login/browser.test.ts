import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../support/temp-project";
import { startLoginTenant, type LoginFixture } from "./fixture";

/**
 * A real browser: Debian's Chromium, driven by playwright-core (nothing downloads a browser), loads a small SPA built
 * with @auth0/auth0-spa-js from 127.0.0.1, logs in as a test user on the local tenant's login page with the keyboard,
 * and reads the post-login action's claims from the ID token; a denied user sees the deny reason. One browser launch
 * for the file. Without /usr/bin/chromium the file is skipped, and says why; under CI (AUTH0_TENANT_REQUIRE_BROWSER=1,
 * set by .ci/run) that is a failure instead.
 */
const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const required = process.env.AUTH0_TENANT_REQUIRE_BROWSER === "1";
export const ARTIFACTS = path.join(projectRoot, "test-artifacts");

if (!available) {
  if (required) throw new Error(`${CHROMIUM} is missing and AUTH0_TENANT_REQUIRE_BROWSER=1: install it (apt-get install -y chromium)`);
  console.warn(`browser.test.ts skipped: ${CHROMIUM} is not installed (apt-get install -y chromium); .ci/run requires it`);
}

let f: LoginFixture;
let spa: Server;
let spaOrigin: string;
let context: BrowserContext;
let profile: string;

async function startSpa(): Promise<{ server: Server; origin: string }> {
  const files: Record<string, { type: string; body: () => string }> = {
    "/auth0-spa-js.production.js": {
      type: "text/javascript",
      body: () => readFileSync(path.join(projectRoot, "node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js"), "utf8"),
    },
    "/settings.js": {
      type: "text/javascript",
      body: () =>
        `window.SPA_SETTINGS = ${JSON.stringify({ domain: f.tenant.url, clientId: f.spaClientId, audience: "https://orders.login.test" })};`,
    },
  };
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://x").pathname;
    const file = files[pathname] ?? {
      type: "text/html; charset=utf-8",
      body: () => readFileSync(path.join(__dirname, "spa.html"), "utf8"),
    };
    res.writeHead(200, { "content-type": file.type, "cache-control": "no-store" });
    res.end(file.body());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  if (!available) return;
  ({ server: spa, origin: spaOrigin } = await startSpa());
  f = await startLoginTenant({ spaCallbacks: [`${spaOrigin}/callback`], spaOrigins: [spaOrigin] });
  profile = mkdtempSync(path.join(tmpdir(), "chromium-profile-"));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);
afterAll(async () => {
  await context?.close();
  await f?.cleanup();
  await new Promise((resolve) => (spa ? spa.close(resolve) : resolve(undefined)));
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function result(page: Page): Promise<Record<string, any>> {
  await page.waitForSelector("body[data-done=true]", { timeout: 20_000 });
  return JSON.parse((await page.textContent("#out")) ?? "null");
}

describe.skipIf(!available)("a SPA using @auth0/auth0-spa-js, in headless Chromium", () => {
  it("logs in as a test user with the keyboard and reads the custom claims from the ID token", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto(`${spaOrigin}/login`);
    await page.waitForURL(`${f.tenant.url}/authorize?**`);
    // The labels name the fields (what a screen reader announces), and the email field has focus on arrival.
    const focused = () => page.evaluate("document.activeElement?.id");
    await page.getByLabel("Email address").waitFor();
    expect(await focused()).toBe("username");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "login-page.png"), fullPage: true });
    await page.keyboard.type("alice@acme.example");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("password");
    await page.keyboard.type("correct horse battery staple");
    await page.keyboard.press("Enter");
    const out = await result(page);
    expect(out.exception).toBeUndefined();
    expect(out.claims).toMatchObject({
      sub: "auth0|alice",
      email: "alice@acme.example",
      "https://acme.example/roles": ["admin", "billing"],
      "https://acme.example/connection": "Username-Password-Authentication",
      "https://acme.example/plan": "gold",
    });
    expect(typeof out.accessToken).toBe("string");
    await page.close();
  });

  it("a user a post-login action denies sees the reason", async () => {
    await context.clearCookies();
    const page = await context.newPage();
    await page.goto(`${spaOrigin}/login`);
    await page.getByLabel("Email address").fill("carol@acme.example");
    await page.getByLabel("Password").fill("carol-password-1");
    await page.getByRole("button", { name: "Continue", exact: true }).click();
    expect(await result(page)).toEqual({ error: "access_denied", error_description: "Your account is disabled" });
    await page.close();
  });
});
