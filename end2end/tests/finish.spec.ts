// A finished look: a drop zone is the whole box (the browser's file picker, unseen, covers
// it), reached by the keyboard with a visible focus and lit while a file is dragged over it; an
// empty output says what will come, with an icon; an audio file shows its waveform, which
// seeks the player where it is clicked and fills in as it plays.
import { expect, test, type Page } from "@playwright/test";

async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

test("a drop zone takes a click, the keyboard and a dropped file anywhere in its box", async ({ page }) => {
  await open(page, "/files");
  const zone = page.locator("label.drop-zone");
  const input = zone.locator('input[type="file"]');
  expect(await input.evaluate((i) => getComputedStyle(i).opacity)).toBe("0");
  const [box, picker] = [(await zone.boundingBox())!, (await input.boundingBox())!];
  expect(picker.width).toBeGreaterThan(box.width * 0.95);
  expect(picker.height).toBeGreaterThan(box.height * 0.9);
  await input.focus();
  expect(await zone.evaluate((z) => getComputedStyle(z).outlineStyle)).toBe("solid");

  await zone.dispatchEvent("dragover");
  await expect(zone).toHaveClass(/dragging/);
  await zone.dispatchEvent("dragleave");
  await expect(zone).not.toHaveClass(/dragging/);
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(["three short words\n"], "notes.txt", { type: "text/plain" }));
    return transfer;
  });
  await zone.dispatchEvent("drop", { dataTransfer });
  await expect(page.locator("fieldset.file.input ul.files li")).toHaveText(["notes.txt 18 B"]);
});

test("an empty output says what will come, beside an icon of it", async ({ page }) => {
  await open(page, "/synth");
  const empty = page.locator("figure.audio.output .audio-empty");
  await expect(empty).toHaveText("No audio yet");
  expect(await empty.evaluate((e) => getComputedStyle(e, "::before").maskImage)).toContain("data:image/svg+xml");
});

test("an audio file shows its waveform, which seeks the player and fills in as it plays", async ({ page }) => {
  await open(page, "/synth");
  await page.getByLabel("notes", { exact: true }).fill("C4 E4 G4 C5");
  await page.getByLabel("tempo (beats per minute)", { exact: true }).fill("120");
  await page.getByRole("button", { name: "Submit" }).click();
  const output = page.locator("figure.audio.output");
  await expect(output.locator("audio")).toBeVisible({ timeout: 10_000 });
  const wave = output.locator("svg.waveform");
  await expect(wave).toBeVisible();
  // One bar for each 96th of the sound, decoded from the file the player holds.
  const bars = (await wave.locator("path.wave").first().getAttribute("d"))!;
  expect(bars.match(/M/g)).toHaveLength(96);
  // A click three quarters along seeks the player there; the played part follows.
  const box = (await wave.boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height / 2);
  const at = await output.locator("audio").evaluate((a: HTMLAudioElement) => a.currentTime / a.duration);
  expect(at).toBeCloseTo(0.75, 1);
  await expect.poll(async () => Number(await wave.locator("clipPath rect").getAttribute("width"))).toBeGreaterThan(68);
});
