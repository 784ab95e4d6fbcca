import { expect, test, type Page } from "@playwright/test";
import config from "../playwright.config";
import { fakeMediaArgs, fakeMicrophoneArgs, halves, speechBursts, twoToneVideo } from "../fixtures/media";

// A real deployment, started by scripts/deploy-test-env.sh (scripts/test.sh sources it): the
// demos behind Debian's nginx under /demos/ with a login, and the demos over their own TLS.
const deploy = process.env.RHEO_DEPLOY_URL;
const tls = process.env.RHEO_TLS_URL;
const [user, password] = [process.env.RHEO_DEPLOY_USER ?? "", process.env.RHEO_DEPLOY_PASSWORD ?? ""];
test.skip(!deploy && !process.env.CI, "needs the deployment of scripts/deploy-test-env.sh");

// The fake camera's video: top half white, bottom half black; the fake microphone says
// speech-like bursts with pauses.
const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      ...baseArgs,
      ...fakeMediaArgs(twoToneVideo()),
      ...fakeMicrophoneArgs(speechBursts()),
      "--autoplay-policy=no-user-gesture-required",
    ],
  },
});

/** Records Content-Security-Policy violations, which must not happen on our own pages. */
async function watchPolicy(page: Page) {
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as any).__violations = violations;
    document.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
}
const violations = (page: Page) => page.evaluate(() => (window as any).__violations as string[]);

/** Opens `url`, which sends the browser to the login page first; logs in and comes back. */
async function logInAndOpen(page: Page, url: string) {
  await watchPolicy(page);
  await page.goto(url);
  await expect(page).toHaveURL(/\/login\?next=/);
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(url);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

async function expectFlippedFrames(page: Page) {
  await page.getByRole("button", { name: "Start camera" }).click();
  await expect(page.locator(".stream-controls")).toHaveAttribute("data-stream", "streaming");
  const flipped = page.getByRole("img", { name: "flipped" });
  const upsideDown = () => halves(flipped).then((h) => h.top < 60 && h.bottom > 180, () => false);
  await expect.poll(upsideDown, { message: "dark top, bright bottom", timeout: 5_000 }).toBe(true);
  await expect.poll(() => page.locator(".stream-controls").getAttribute("data-frames").then(Number)).toBeGreaterThan(10);
  await page.getByRole("button", { name: "Stop" }).click();
}

/** Talks to /talk: a turn answered after its pause, then the reply talked over. */
async function expectConversation(page: Page) {
  await page.getByRole("button", { name: "Record" }).click();
  const [player, controls] = [page.locator("figure.audio.output"), page.locator(".stream-controls")];
  await expect(controls).toHaveAttribute("data-stream", "streaming");
  await expect.poll(() => player.getAttribute("data-chunks").then(Number), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect.poll(() => controls.getAttribute("data-interruptions").then(Number), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  await page.getByRole("button", { name: "Stop" }).click();
}

test.describe("behind nginx under /demos/ with a login", () => {
  test("the live calculator works, and every link stays under /demos/", async ({ page }) => {
    await logInAndOpen(page, `${deploy}calculator`);
    await page.getByLabel("num1", { exact: true }).fill("3");
    await page.getByRole("radiogroup", { name: "operation" }).getByRole("radio", { name: "multiply" }).check();
    await page.getByLabel("num2", { exact: true }).fill("4");
    await expect(page.getByLabel("output", { exact: true })).toHaveValue("12");
    await expect(page.getByRole("link", { name: "All demos" })).toHaveAttribute("href", "/demos/");
    await page.getByRole("link", { name: "All demos" }).click();
    await expect(page.getByRole("link", { name: "Calculator" })).toHaveAttribute("href", "/demos/calculator");
    expect(await violations(page)).toEqual([]);
  });

  test("the webcam streams through nginx's WebSocket proxy", async ({ page }) => {
    await logInAndOpen(page, `${deploy}flip`);
    await expectFlippedFrames(page);
    expect(await violations(page)).toEqual([]);
  });

  test("a conversation answers a turn and is talked over through the proxy", async ({ page }) => {
    await logInAndOpen(page, `${deploy}talk`);
    await expectConversation(page);
    expect(await violations(page)).toEqual([]);
  });

  test("streamed audio plays as it is made, and its WAV downloads through the proxy", async ({ page }) => {
    await logInAndOpen(page, `${deploy}synth`);
    await page.getByLabel("notes", { exact: true }).fill("C4 E4 G4");
    await page.getByRole("button", { name: "Submit" }).click();
    const player = page.locator("figure.audio.output");
    await expect(player).toHaveAttribute("data-playing", "true");
    await expect(player.locator("audio")).toBeVisible({ timeout: 10_000 });
    await expect(player).toHaveAttribute("data-chunks", "3");
    const src = (await player.locator("audio").getAttribute("src"))!;
    expect(src.startsWith("/demos/synth/gradio_api/file=")).toBe(true);
    expect((await page.request.get(new URL(src, deploy).href)).status()).toBe(200);
    expect(await violations(page)).toEqual([]);
  });

  test("without the login, pages redirect and the APIs answer 401", async ({ request }) => {
    const page = await request.get(`${deploy}flip`, { headers: { accept: "text/html" }, maxRedirects: 0 });
    expect(page.status()).toBe(303);
    expect(page.headers()["location"]).toBe("/demos/login?next=%2Fdemos%2Fflip");
    const api = await request.post(`${deploy}calculator/run`, { data: { data: [1, "add", 2] } });
    expect(api.status()).toBe(401);
  });
});

test.describe("over Rheo's own TLS", () => {
  test.use({ ignoreHTTPSErrors: true });

  test("the camera page streams over wss:// after logging in", async ({ page }) => {
    await logInAndOpen(page, `${tls}flip`);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    await expectFlippedFrames(page);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === "rheo-session")).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });
    expect(await violations(page)).toEqual([]);
  });

  test("a conversation runs over wss:// after logging in", async ({ page }) => {
    await logInAndOpen(page, `${tls}talk`);
    await expectConversation(page);
    expect(await violations(page)).toEqual([]);
  });
});

test.describe("another site", () => {
  // The plain demos (no login) on 127.0.0.1:3000; the example project on localhost:7860 is
  // another origin, standing in for a site that tries to drive a visitor's demo.
  const stream = "ws://127.0.0.1:3000/flip/stream";
  const opens = (page: Page, url: string) =>
    page.evaluate(
      (url) =>
        new Promise<boolean>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => (socket.close(), resolve(true));
          socket.onerror = () => resolve(false);
        }),
      url,
    );

  test("cannot open a stream; the server's own page can", async ({ page }) => {
    await page.goto("http://localhost:7860/");
    expect(await opens(page, stream)).toBe(false);
    await page.goto("http://127.0.0.1:3000/");
    expect(await opens(page, stream)).toBe(true);
  });
});
