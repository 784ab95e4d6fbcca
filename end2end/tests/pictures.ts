import type { Page } from "@playwright/test";

/** A red square PNG of `side` pixels, drawn by the browser. */
export async function redSquare(page: Page, side: number): Promise<Buffer> {
  const base64 = await page.evaluate((side) => {
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [side, side];
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#c80a0a";
    context.fillRect(0, 0, side, side);
    return canvas.toDataURL("image/png").split(",")[1];
  }, side);
  return Buffer.from(base64, "base64");
}
