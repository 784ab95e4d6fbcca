import { Client } from "@gradio/client";
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
