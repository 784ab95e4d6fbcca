import { expect, test, type Page } from "@playwright/test";

/** A PNG whose left half is white and right half black, drawn by the browser. */
async function leftWhitePng(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [80, 40];
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#000";
    context.fillRect(0, 0, 80, 40);
    context.fillStyle = "#fff";
    context.fillRect(0, 0, 40, 40);
    return canvas.toDataURL("image/png").split(",")[1];
  });
  return Buffer.from(base64, "base64");
}

/** Mean brightness of the left and right quarters of an image on the page. */
async function sides(page: Page, name: string) {
  return page.getByRole("img", { name }).evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
    const context = canvas.getContext("2d")!;
    context.drawImage(img, 0, 0);
    const quarter = Math.floor(canvas.width / 4);
    const mean = (x: number) => {
      const { data } = context.getImageData(x, 0, quarter, canvas.height);
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += data[i];
      return sum / (data.length / 4);
    };
    return { left: mean(0), right: mean(canvas.width - quarter) };
  });
}

async function open(page: Page) {
  await page.goto("/mirror");
  await expect(page.locator(".blocks")).toHaveAttribute("data-hydrated", "true");
}

test("an uploaded image is mirrored on Submit and can be downloaded", async ({ page }) => {
  await open(page);
  await page.getByLabel("Drop an image here, or choose a file").setInputFiles({
    name: "left-white.png",
    mimeType: "image/png",
    buffer: await leftWhitePng(page),
  });
  await expect(page.getByRole("img", { name: "photo (chosen)" })).toBeVisible();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("img", { name: "mirrored" })).toBeVisible();
  const { left, right } = await sides(page, "mirrored");
  expect(left).toBeLessThan(30);
  expect(right).toBeGreaterThan(225);

  const download = page.getByRole("link", { name: "Download mirrored" });
  const href = (await download.getAttribute("href"))!;
  const file = await page.request.get(href);
  expect(file.headers()["content-type"]).toBe("image/png");
  const [downloaded] = await Promise.all([page.waitForEvent("download"), download.click()]);
  expect(downloaded.suggestedFilename()).toBe("image.png");

  // The chosen photo can be removed, and the button goes with it.
  const remove = page.getByRole("button", { name: "Remove photo" });
  await remove.click();
  await expect(page.getByRole("img", { name: "photo (chosen)" })).toBeHidden();
  await expect(remove).toBeHidden();
});

test("a pasted image is taken like an upload", async ({ page }) => {
  await open(page);
  const png = (await leftWhitePng(page)).toString("base64");
  await page.locator("fieldset.image").evaluate((fieldset, base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
    fieldset.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true }));
  }, png);
  await expect(page.getByRole("img", { name: "photo (chosen)" })).toBeVisible();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect.poll(async () => (await sides(page, "mirrored")).right).toBeGreaterThan(225);
});

test("a file that is not an image gets a clear error", async ({ page }) => {
  await open(page);
  await page.getByLabel("Drop an image here, or choose a file").setInputFiles({
    name: "notes.png",
    mimeType: "image/png",
    buffer: Buffer.from("these are notes, not pixels"),
  });
  await expect(page.getByRole("img", { name: "photo (chosen)" })).toBeAttached();
  await page.getByRole("button", { name: "Submit" }).click();
  await expect(page.getByRole("alert")).toHaveText(
    "photo: this is not an image in a format the server reads (PNG, JPEG or WebP)",
  );
});
