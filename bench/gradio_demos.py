"""The Gradio side of the side-by-side benchmark: the same demos, written the Gradio way.

Run by bench/bench.mjs with the virtualenv bench/run.sh creates, one process per demo:
    .venv/bin/python gradio_demos.py DEMO PORT      (DEMO: calculator or flip)
"""

import sys

import gradio as gr
import numpy as np


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



def flip(im):
    return np.flipud(im)


# The seed's webcam demo, with Rheo's /flip settings: a frame every 1/30 s.
flip_demo = gr.Interface(
    flip,
    gr.Image(sources=["webcam"], streaming=True),
    "image",
    live=True,
    api_name="predict",
    stream_every=1 / 30,
    time_limit=600,
)

if __name__ == "__main__":
    demo = {"calculator": calculator_demo, "flip": flip_demo}[sys.argv[1]]
    port = int(sys.argv[2])
    demo.launch(server_name="127.0.0.1", server_port=port, show_error=True)
