import type { Page } from "@playwright/test";

/** A PNG of `width`×`height` pixels of one CSS colour, drawn by the browser. */
export async function solidPicture(page: Page, width: number, height: number, colour: string): Promise<Buffer> {
  const base64 = await page.evaluate(
    ({ width, height, colour }) => {
      const canvas = document.createElement("canvas");
      [canvas.width, canvas.height] = [width, height];
      const context = canvas.getContext("2d")!;
      context.fillStyle = colour;
      context.fillRect(0, 0, width, height);
      return canvas.toDataURL("image/png").split(",")[1];
    },
    { width, height, colour },
  );
  return Buffer.from(base64, "base64");
}

/** A red square PNG of `side` pixels, drawn by the browser. */
export async function redSquare(page: Page, side: number): Promise<Buffer> {
  return solidPicture(page, side, side, "#c80a0a");
}
