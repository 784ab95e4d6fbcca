import { Client, handle_file } from "@gradio/client";
import { expect, test } from "@playwright/test";

// The official JavaScript client, unmodified, against the release server.
const calculatorUrl = "http://127.0.0.1:3000/calculator/";

test("@gradio/client predicts, by position and by name", async () => {
  const app = await Client.connect(calculatorUrl);
  expect((await app.predict("/calculator", [3, "multiply", 4])).data).toEqual([12]);
  expect((await app.predict("/calculator", { num1: 3, operation: "add", num2: 4 })).data).toEqual([7]);
});

test("@gradio/client sees the endpoint's parameters", async () => {
  const app = await Client.connect(calculatorUrl);
  const api = await app.view_api();
  const params = api.named_endpoints["/calculator"].parameters.map((p: { parameter_name: string }) => p.parameter_name);
  expect(params).toEqual(["num1", "operation", "num2"]);
});

test("@gradio/client rejects with our messages", async () => {
  const app = await Client.connect(calculatorUrl);
  await expect(app.predict("/calculator", [3, "divide", 0])).rejects.toMatchObject({ message: "Cannot divide by zero." });
  // @gradio/client puts Gradio's validation detail, as JSON, in the error's message.
  await expect(app.predict("/calculator", [3, "modulo", 1])).rejects.toThrow(
    /modulo.{0,4} is not one of the choices: add, subtract, multiply, divide/,
  );
});

test("@gradio/client uploads an image with handle_file and gets it back flipped", async ({ page }) => {
  await page.goto("/");
  // A PNG with a white top half and a black bottom half, drawn by the browser.
  const png = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [40, 40];
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#000";
    context.fillRect(0, 0, 40, 40);
    context.fillStyle = "#fff";
    context.fillRect(0, 0, 40, 20);
    return canvas.toDataURL("image/png").split(",")[1];
  });
  const app = await Client.connect("http://127.0.0.1:3000/flip/");
  const result = await app.predict("/predict", [handle_file(new Blob([Buffer.from(png, "base64")], { type: "image/png" }))]);
  const output = (result.data as { url: string; mime_type: string }[])[0];
  expect(output.mime_type).toBe("image/png");
  const [top, bottom] = await page.evaluate(async (url) => {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
    const context = canvas.getContext("2d")!;
    context.drawImage(image, 0, 0);
    return [context.getImageData(20, 2, 1, 1).data[0], context.getImageData(20, 37, 1, 1).data[0]];
  }, output.url);
  expect([top, bottom]).toEqual([0, 255]);
});

test("@gradio/client streams a generator's values in order, and audio comes back as one WAV", async () => {
  const diffusion = await Client.connect("http://127.0.0.1:3000/diffusion/");
  const steps: string[] = [];
  for await (const message of diffusion.submit("/diffuse", [3])) {
    if (message.type === "data") steps.push((message.data as { url: string }[])[0].url);
  }
  // Three steps as they come, then the completion repeats the last (as with Gradio).
  expect(steps).toHaveLength(4);
  expect(new Set(steps).size).toBe(3);
  expect(steps[3]).toBe(steps[2]);

  const synth = await Client.connect("http://127.0.0.1:3000/synth/");
  const chunks: { is_stream: boolean; url: string }[] = [];
  for await (const message of synth.submit("/synth", ["C4 G4", 120])) {
    if (message.type === "data") chunks.push((message.data as { is_stream: boolean; url: string }[])[0]);
  }
  expect(chunks.map((c) => c.is_stream)).toEqual([true, true, false, false]);
  const wav = new DataView(await (await fetch(chunks[3].url)).arrayBuffer());
  expect(wav.getUint32(40, true) / (2 * wav.getUint32(24, true))).toBeCloseTo(1.0, 3);
});

test("@gradio/client gets a Markdown text and a JSON object", async () => {
  const app = await Client.connect("http://127.0.0.1:3000/word_count/");
  const [report, counts] = (await app.predict("/word_count", ["a b a"])).data as [string, Record<string, unknown>];
  expect(report).toContain("## 3 words");
  expect(report).toContain("| a | 2 |");
  expect(counts).toEqual({
    characters: 5,
    words: 3,
    lines: 1,
    top: [
      { word: "a", count: 2 },
      { word: "b", count: 1 },
    ],
  });
});

test("@gradio/client hears a handler's warning and progress", async ({ page }) => {
  await page.goto("/");
  const png = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    [canvas.width, canvas.height] = [16, 16];
    const context = canvas.getContext("2d")!;
    context.fillStyle = "#c80a0a";
    context.fillRect(0, 0, 16, 16);
    return canvas.toDataURL("image/png").split(",")[1];
  });
  const classify = await Client.connect("http://127.0.0.1:3000/classify/", { events: ["data", "status", "log"] });
  const image = handle_file(new Blob([Buffer.from(png, "base64")], { type: "image/png" }));
  const logs: [string, string][] = [];
  const progress: string[] = [];
  let label = "";
  for await (const message of classify.submit("/classify", [image])) {
    if (message.type === "log") logs.push([message.log, message.level]);
    if (message.type === "status" && message.progress_data) progress.push(message.progress_data[0].desc ?? "");
    if (message.type === "data") label = (message.data as { label: string }[])[0].label;
  }
  expect(logs).toEqual([["The image is 16×16 pixels: below 64×64, the answer is a guess.", "warning"]]);
  expect(progress).toEqual(["classifying 1/4", "classifying 2/4", "classifying 3/4", "classifying 4/4"]);
  expect(label).toBe("red");
});
