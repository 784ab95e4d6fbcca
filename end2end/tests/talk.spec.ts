import { expect, test } from "@playwright/test";
import config from "../playwright.config";
import { fakeMicrophoneArgs, liveTracks, speechBursts, watchDevices } from "../fixtures/media";

// Chromium's fake microphone says speech-like bursts with pauses (see `speechBursts`), looped.
const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...baseArgs, ...fakeMicrophoneArgs(speechBursts()), "--autoplay-policy=no-user-gesture-required"],
  },
});

/** The reply's player and the stream's controls, as the page showed them at a moment. */
type Moment = { t: number; chunks: number; seconds: number; playing: string | null; interruptions: number };

test("/talk answers a turn after its pause, stops its reply when talked over, and answers the next turn", async ({ page }) => {
  await watchDevices(page);
  await page.goto("/talk");
  await expect(page.locator("[data-hydrated]")).toHaveAttribute("data-hydrated", "true");
  const [player, controls] = [page.locator("figure.audio.output"), page.locator(".stream-controls")];
  // Every change of the reply's playback and of the interruptions, with its time.
  await page.evaluate(() => {
    const moments: Moment[] = ((window as any).__moments = []);
    const player = document.querySelector("figure.audio.output")!;
    const controls = document.querySelector(".stream-controls")!;
    const note = () =>
      moments.push({
        t: performance.now(),
        chunks: Number(player.getAttribute("data-chunks")),
        seconds: Number(player.getAttribute("data-seconds")),
        playing: player.getAttribute("data-playing"),
        interruptions: Number(controls.getAttribute("data-interruptions")),
      });
    const watched = { attributes: true, attributeFilter: ["data-chunks", "data-playing", "data-interruptions"] };
    new MutationObserver(note).observe(player, watched);
    new MutationObserver(note).observe(controls, watched);
  });
  await page.getByRole("button", { name: "Record" }).click();
  await expect(controls).toHaveAttribute("data-stream", "streaming");

  // The first burst, then its pause: the reply (the burst, slower) streams in and plays.
  await expect.poll(() => player.getAttribute("data-chunks").then(Number), { timeout: 10_000 }).toBeGreaterThan(0);
  await expect(player).toHaveAttribute("data-playing", "true");
  // The second burst talks over it: the reply stops at once.
  await expect.poll(() => controls.getAttribute("data-interruptions").then(Number), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  // The second burst's pause: its reply plays.
  await expect.poll(() => player.getAttribute("data-chunks").then(Number), { timeout: 10_000 }).toBeGreaterThan(0);

  const moments: Moment[] = await page.evaluate(() => (window as any).__moments);
  const began = moments.findIndex((m) => m.chunks > 0);
  const stopped = moments.findIndex((m, i) => i > began && m.chunks === 0);
  const told = moments.find((m) => m.interruptions >= 1)!;
  expect(began, "a reply began").toBeGreaterThanOrEqual(0);
  expect(stopped, "then stopped").toBeGreaterThan(began);
  // It stopped when the page was told of the interruption, and nothing plays then.
  expect(Math.abs(moments[stopped].t - told.t)).toBeLessThan(100);
  expect(moments[stopped].playing).toBe("false");
  // It was still sounding: less time had passed since it began than it lasts.
  const sounding = moments[stopped - 1];
  expect(sounding.playing).toBe("true");
  expect((moments[stopped].t - moments[began].t) / 1000).toBeLessThan(sounding.seconds);

  await page.getByRole("button", { name: "Stop" }).click();
  await expect(controls).toHaveAttribute("data-stream", "off");
  expect(await liveTracks(page)).toBe(0);
});
