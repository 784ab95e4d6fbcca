import { expect, test, type Page } from "@playwright/test";
import config from "../playwright.config";
import { fakeMicrophoneArgs, liveTracks, toneAudio, watchDevices } from "../fixtures/media";

// Chromium's fake microphone plays a steady 440 Hz tone (A4), looped.
const baseArgs = (config.projects?.[0].use?.launchOptions?.args ?? []) as string[];
test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...baseArgs, ...fakeMicrophoneArgs(toneAudio(440))],
  },
});

/** Opens `path`, watching the microphone streams it opens (`liveTracks`). */
async function open(page: Page, path: string) {
  await watchDevices(page);
  await page.goto(path);
  await expect(page.locator("[data-hydrated]")).toHaveAttribute("data-hydrated", "true");
}

/** The streaming audio output's figure. */
const player = (page: Page) => page.locator("figure.audio.output");

/** Seconds of audio in the WAV at `url` (16-bit PCM: data bytes / bytes per second). */
async function wavSeconds(page: Page, url: string): Promise<number> {
  return page.evaluate(async (url) => {
    const view = new DataView(await (await fetch(url)).arrayBuffer());
    const [channels, rate] = [view.getUint16(22, true), view.getUint32(24, true)];
    return view.getUint32(40, true) / (2 * channels * rate);
  }, url);
}

test("/transcribe (Blocks) names the 440 Hz tone A4 while recording, and builds the transcript through State", async ({ page }) => {
  await open(page, "/transcribe");
  const stream = page.locator(".stream-controls");
  await page.getByRole("button", { name: "Record" }).click();
  await expect(stream).toHaveAttribute("data-stream", "streaming");
  await expect(page.getByLabel("note", { exact: true })).toHaveValue("A4", { timeout: 5_000 });
  await expect(page.getByLabel("transcript", { exact: true })).toHaveValue("A4");
  await expect(page.getByRole("meter", { name: "Microphone level" })).toBeVisible();
  const level = Number(await page.getByRole("meter", { name: "Microphone level" }).getAttribute("value"));
  expect(level).toBeGreaterThan(0.1);
  // Several chunks of one held note: written once.
  await expect.poll(() => stream.getAttribute("data-frames").then(Number)).toBeGreaterThanOrEqual(3);
  await expect(page.getByLabel("transcript", { exact: true })).toHaveValue("A4");
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(stream).toHaveAttribute("data-stream", "off");
  expect(await liveTracks(page)).toBe(0);
});

test("a refused microphone is explained", async ({ page }) => {
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
  });
  await page.goto("/transcribe");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Record" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "Microphone access was refused. Allow the microphone for this site in the browser and try again.",
  );
  await page.goto("/echo");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Record" }).click();
  await expect(page.getByRole("alert")).toContainText("Microphone access was refused.");
});

test("/echo streams the recording back, playing before the stream has ended, then holds it as one file", async ({ page }) => {
  await open(page, "/echo");
  await page.getByRole("button", { name: "Record" }).click();
  await page.waitForTimeout(800);
  await page.getByRole("button", { name: "Stop recording" }).click();
  expect(await liveTracks(page)).toBe(0);
  // Playing (a chunk scheduled on a running audio context) while the final file is not there.
  await page.waitForFunction(() => {
    const figure = document.querySelector("figure.audio.output") as HTMLElement;
    return figure.dataset.playing === "true" && figure.querySelector("audio")!.hidden;
  });
  const audio = player(page).locator("audio");
  await expect(audio).toBeVisible({ timeout: 10_000 });
  await expect(player(page)).toHaveAttribute("data-chunks", "4");
  const chunkSeconds = Number(await player(page).getAttribute("data-seconds"));
  const whole = await wavSeconds(page, (await audio.getAttribute("src"))!);
  expect(whole).toBeCloseTo(chunkSeconds, 2);
  expect(whole).toBeGreaterThan(4 * 0.5);
  await expect(player(page).getByRole("link", { name: "Download echo" })).toHaveAttribute("download", "audio.wav");
});

test("/synth plays each note as it is made; the final WAV lasts the sum of its chunks", async ({ page }) => {
  await open(page, "/synth");
  await page.getByLabel("notes", { exact: true }).fill("C4 E4 G4");
  await page.getByLabel("tempo (beats per minute)", { exact: true }).fill("120");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(player(page)).toHaveAttribute("data-playing", "true");
  await expect(player(page).locator("audio")).toBeHidden();
  await expect(player(page).locator("audio")).toBeVisible({ timeout: 10_000 });
  await expect(player(page)).toHaveAttribute("data-chunks", "3");
  expect(Number(await player(page).getAttribute("data-seconds"))).toBeCloseTo(1.5, 2);
  expect(await wavSeconds(page, (await player(page).locator("audio").getAttribute("src"))!)).toBeCloseTo(1.5, 3);
});

test("a stream of a single chunk plays too", async ({ page }) => {
  await open(page, "/synth");
  await page.getByLabel("notes", { exact: true }).fill("A4");
  await page.getByLabel("tempo (beats per minute)", { exact: true }).fill("60");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(player(page).locator("audio")).toBeVisible({ timeout: 10_000 });
  await expect(player(page)).toHaveAttribute("data-chunks", "1");
  await expect(player(page)).toHaveAttribute("data-playing", "true");
  expect(await wavSeconds(page, (await player(page).locator("audio").getAttribute("src"))!)).toBeCloseTo(1.0, 3);
});

test("Stop cancels a generator: no more chunks, no final file", async ({ page }) => {
  await open(page, "/synth");
  await page.getByLabel("notes", { exact: true }).fill("C4 D4 E4 F4 G4 A4 B4 C5 D5 E5 F5 G5");
  await page.getByRole("button", { name: "Submit" }).click();
  await page.waitForFunction(() => Number((document.querySelector("figure.audio.output") as HTMLElement).dataset.chunks) >= 1);
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden();
  await expect(player(page)).toHaveAttribute("data-chunks", "0");
  await page.waitForTimeout(1_000); // three more notes' time
  await expect(player(page)).toHaveAttribute("data-chunks", "0");
  await expect(player(page).locator("audio")).toBeHidden();
  await expect(page.getByRole("alert")).toHaveCount(0);
});

test("a bad note is explained", async ({ page }) => {
  await open(page, "/synth");
  await page.getByLabel("notes", { exact: true }).fill("C4 H2");
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("alert")).toHaveText('"H2" is not a note: use names like C4, F#3 or Bb5.');
});

test("/diffusion shows each step as it arrives", async ({ page }) => {
  await open(page, "/diffusion");
  await page.getByLabel("steps", { exact: true }).fill("5");
  const picture = page.getByRole("img", { name: "picture" });
  await page.evaluate(() => {
    const seen = new Set<string>();
    (window as any).__sources = seen;
    new MutationObserver(() => {
      const img = document.querySelector("figure.image.output img") as HTMLImageElement;
      if (img.getAttribute("src")) seen.add(img.getAttribute("src")!);
    }).observe(document.querySelector("figure.image.output")!, { attributes: true, subtree: true });
  });
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(picture).toBeVisible();
  await expect(page.getByRole("button", { name: "Stop" })).toBeHidden({ timeout: 10_000 });
  expect(await page.evaluate(() => (window as any).__sources.size)).toBe(5);
});

test("/echo takes an uploaded file too, and explains a file that is not audio", async ({ page }) => {
  await open(page, "/echo");
  const wav = await import("node:fs").then((fs) => fs.readFileSync(toneAudio(440)));
  await page.getByLabel("Choose an audio file (WAV, FLAC, MP3, Ogg)").setInputFiles({ name: "tone.wav", mimeType: "audio/wav", buffer: wav });
  await expect(page.locator("audio[aria-label='recording (chosen)']")).toBeVisible();
  await expect(player(page).locator("audio")).toBeVisible({ timeout: 30_000 });
  expect(await wavSeconds(page, (await player(page).locator("audio").getAttribute("src"))!)).toBeCloseTo(4 * 4, 1);
  await page.getByLabel("Choose an audio file (WAV, FLAC, MP3, Ogg)").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not audio") });
  await expect(page.getByRole("alert")).toHaveText(
    "recording: this is not audio in a format the server reads (WAV, FLAC, MP3 or Ogg Vorbis)",
  );
});

test("Clear beside the microphone starts the transcript again while it records", async ({ page }) => {
  await open(page, "/transcribe");
  await page.getByRole("button", { name: "Record" }).click();
  const [note, transcript] = [page.getByLabel("note", { exact: true }), page.getByLabel("transcript", { exact: true })];
  await expect(transcript).toHaveValue("A4", { timeout: 5_000 });
  // Clear and the stream's chunks share the session's State: cleared, the held A4 is new again.
  // The empty transcript may last only until the next chunk (0.5 s), so the page itself watches
  // every frame for what the transcript shows, from before the click.
  const shown = transcript.evaluate(
    (area: HTMLTextAreaElement) =>
      new Promise<string[]>((resolve) => {
        const [values, end] = [[area.value], performance.now() + 5_000];
        const look = () => {
          if (values.at(-1) !== area.value) values.push(area.value);
          if (values.length >= 3 || performance.now() > end) resolve(values);
          else requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      }),
  );
  await page.getByRole("button", { name: "Clear" }).click();
  expect(await shown).toEqual(["A4", "", "A4"]);
  await expect(note).toHaveValue("A4", { timeout: 5_000 });
  await page.getByRole("button", { name: "Stop" }).click();
});
