"""The Gradio side of the side-by-side benchmark: the same demos, written the Gradio way.

Run by bench/bench.mjs with the virtualenv bench/run.sh creates:
    .venv/bin/python gradio_demos.py PORT
"""

import sys

import gradio as gr


def calculator(num1, operation, num2):
    if operation == "add":
        return num1 + num2
    elif operation == "subtract":
        return num1 - num2
    elif operation == "multiply":
        return num1 * num2
    elif operation == "divide":
        if num2 == 0:
            raise gr.Error("Cannot divide by zero.")
        return num1 / num2


calculator_demo = gr.Interface(
    calculator,
    ["number", gr.Radio(["add", "subtract", "multiply", "divide"]), "number"],
    "number",
    live=True,
)

if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 7860
    calculator_demo.launch(server_name="127.0.0.1", server_port=port, show_error=True)
