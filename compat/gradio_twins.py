"""Gradio 6.31's versions of Rheo demos, for test_components_match_gradio.py to compare their
components' wire shapes (/config, /info, values) with Rheo's:

    python gradio_twins.py ORIGINS.json

serves every twin from one process (Gradio imported once, about 6 s), each on a port of its
own, and once all are up writes ORIGINS.json, `{demo: origin}`, for the tests to read. The demos:
files (Rheo's /files: files in, a description and a CSV report out), chat (Rheo's /chat:
a multimodal ChatInterface with the longest reply as an additional input), topics (Rheo's
/topics: a batched function of texts to labels; here a topic by keyword), event (Rheo's /event:
a date-time and a colour in, a reminder and a text colour out), tagger (Rheo's /tagger: text
tagged by the same rules, in a HighlightedText), format_json (Rheo's /format_json: JSON in a Code
editor, formatted into a Code output), landscapes (Rheo's /landscapes: a prompt, a count and a seed
in, a Gallery of captioned images out; here plain images under the same captions), detect (Rheo's
/detect: a picture in, an AnnotatedImage of its coloured regions out; here boxes around the pixels
of a few exact colours), summary (Rheo's /summary: a Dataframe of cities in, a Dataframe of each
column's count, mean, least and greatest out, by the same rules, and a BarPlot of the means),
signal (Rheo's /signal: a sine wave with seeded noise, as a LinePlot and a ScatterPlot), turn
(Rheo's /turn: a video in, the video and a sentence out; here the video as it came),
contact_sheet (Rheo's /contact_sheet: a Gallery and a column count in, an image and a sentence
out; here the first image).
"""

import csv
import datetime
import json
import math
import os
import re
import socket
import sys
import tempfile
import threading

import gradio as gr
import numpy as np
import pandas as pd


SKIES = ["noon", "sunset", "night", "dawn"]
GROUNDS = ["hills", "snow", "sea", "forest"]


def landscapes(prompt, count, seed):
    """The captions Rheo's /landscapes gives a prompt that names its sky and its ground, under
    images of one colour each."""
    sky = next(name for name in SKIES if name in prompt.lower())
    ground = next(name for name in GROUNDS if name in prompt.lower())
    count = int(min(max(count, 1), 8))
    return [(np.full((64, 64, 3), 40 * n, dtype=np.uint8), f"{sky.capitalize()} over {ground}, variation {n}")
            for n in range(1, count + 1)]


EXACT_COLOURS = {(220, 30, 40): "red", (30, 90, 220): "blue"}


def detect(picture, draw):
    """Boxes around the pixels of each exact colour Rheo's /detect test pictures use, in the
    order their first pixels come (row by row), as Rheo's regions do."""
    found = []
    for colour, label in EXACT_COLOURS.items():
        ys, xs = np.nonzero(np.all(picture[:, :, :3] == colour, axis=2))
        if len(xs):
            first = ys.min() * picture.shape[1] + xs[ys == ys.min()].min()
            found.append((first, (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1), label))
    return picture, [(box, label) for _, box, label in sorted(found)]


def describe_all(paths):
    rows = [(os.path.basename(path), os.path.getsize(path)) for path in paths]
    report = os.path.join(tempfile.mkdtemp(), "report.csv")
    with open(report, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["name", "type", "bytes", "holds"])
        for name, size in rows:
            writer.writerow([name, "", size, ""])
    summary = f"## {len(rows)} files\n\n" + "".join(f"- **{name}**: {size} bytes\n" for name, size in rows)
    return summary, report


def chat(message, history, longest):
    return f"{message['text']} ({len(message['files'])} files)"


KEYWORDS = {"sport": "goal", "food": "bread", "music": "guitar", "science": "physics", "travel": "flight"}


def topics(texts):
    """A batch of texts in, one label each out (Gradio's batch functions return a list per output)."""
    found = [next((topic for topic, word in KEYWORDS.items() if word in text), "sport") for text in texts]
    return [[{topic: float(topic == label) for topic in KEYWORDS} for label in found]]


def luminance(hex_colour):
    def linear(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a, b):
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def plan(title, start, colour):
    text = "#000000" if contrast(colour, "#000000") >= contrast(colour, "#ffffff") else "#ffffff"
    return f"**{title}**", start - datetime.timedelta(days=1), text


DATE_WORDS = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
              "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}


def tag(text):
    spans, sentence_starts = [], True
    for piece in re.findall(r"\s+|[\w'-]+|[^\w\s]", text):
        if re.fullmatch(r"[0-9]+", piece):
            label = "number"
        elif piece in DATE_WORDS:
            label = "date"
        elif piece[0].isupper() and not sentence_starts:
            label = "name"
        else:
            label = None
        if piece[0].isalnum():
            sentence_starts = False
        elif piece in ".!?":
            sentence_starts = True
        if label == "name" and len(spans) >= 2 and spans[-1] == (" ", None) and spans[-2][1] == "name":
            spans.pop()
            spans[-1] = (spans[-1][0] + " " + piece, "name")
        elif label is None and spans and spans[-1][1] is None:
            spans[-1] = (spans[-1][0] + piece, None)
        else:
            spans.append((piece, label))
    return spans


def format_json(code, indent):
    value = json.loads(code)
    if indent == "minified":
        return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return json.dumps(value, indent={"2 spaces": 2, "4 spaces": 4, "tab": "\t"}[indent], sort_keys=True, ensure_ascii=False)


CITIES = [["Oslo", -2.9, 17.7, True], ["Madrid", 6.3, 25.6, False], ["Cairo", 14.0, 28.0, False], ["Lima", 22.9, 16.3, True]]


def number(cell):
    """A cell's number, as Rheo's `Cell::as_number` reads it: a number, or text that is one."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, (int, float)):
        return float(cell)
    try:
        n = float(str(cell).strip())
    except ValueError:
        return None
    return n if math.isfinite(n) else None


def rounded(n):
    """To two decimals, half away from zero (Rust's `f64::round`)."""
    r = n * 100
    return (math.floor(r + 0.5) if r >= 0 else -math.floor(-r + 0.5)) / 100


def summary(frame):
    if frame.empty:
        raise gr.Error("The table has no rows: add some to summarise them.")
    rows = []
    for name in frame.columns:
        filled = [c for c in frame[name].tolist() if c is not None and not (isinstance(c, float) and math.isnan(c))]
        numbers = [n for n in map(number, filled) if n is not None]
        if not numbers or len(numbers) < len(filled):
            rows.append([str(name), len(filled), None, None, None])
        else:
            rows.append([str(name), len(filled), rounded(sum(numbers) / len(numbers)), min(numbers), max(numbers)])
    return rows, pd.DataFrame(rows, columns=["column", "count", "mean", "min", "max"])


SAMPLES = 100
MASK = (1 << 64) - 1


def signal(frequency, noise_level, seed):
    """Rheo's /signal, step for step: the same generator, the same rounding (to three decimals,
    half away from zero)."""
    state = int(seed)

    def noise():
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK
        return (state >> 11) / (1 << 53) * 2 - 1

    def r3(n):
        r = n * 1000
        return (math.floor(r + 0.5) if r >= 0 else -math.floor(-r + 0.5)) / 1000

    times = [2 * i / SAMPLES for i in range(SAMPLES)]
    clean = [math.sin(2 * math.pi * frequency * t) for t in times]
    measured = [c + noise_level * noise() for c in clean]
    smoothed = []
    for i in range(SAMPLES):
        window = measured[max(i - 2, 0):min(i + 3, SAMPLES)]
        smoothed.append(sum(window) / len(window))
    lines = [[r3(t), r3(v), name] for name, values in (("signal", clean), ("measured", measured), ("smoothed", smoothed))
             for t, v in zip(times, values)]
    dots = [[r3(c), r3(m), "more than half the noise" if abs(m - c) > noise_level / 2 else "less"] for c, m in zip(clean, measured)]
    return pd.DataFrame(lines, columns=["t", "value", "series"]), pd.DataFrame(dots, columns=["signal", "measured", "error"])


TWINS = {
    "summary": lambda: gr.Interface(
        summary,
        gr.Dataframe(value=CITIES, headers=["city", "january", "july", "coast"], datatype=["str", "number", "number", "bool"],
                     label="table"),
        [gr.Dataframe(headers=["column", "count", "mean", "min", "max"], label="summary"),
         gr.BarPlot(x="column", y="mean", y_title="mean (°C)", label="means")],
        api_name="summary",
    ),
    "signal": lambda: gr.Interface(
        signal,
        [gr.Slider(0.5, 5, step=0.5, value=1.5, label="frequency (Hz)"), gr.Slider(0, 1, step=0.05, value=0.3, label="noise"),
         gr.Number(value=7, minimum=0, maximum=1e6, step=1, label="seed")],
        [gr.LinePlot(x="t", y="value", color="series", x_title="time (s)", label="over time"),
         gr.ScatterPlot(x="signal", y="measured", color="error", label="measured against the signal")],
    ),
    "landscapes": lambda: gr.Interface(
        landscapes,
        [gr.Textbox(label="prompt"), gr.Slider(1, 8, step=1, value=4, label="images"),
         gr.Number(value=7, minimum=0, step=1, label="seed")],
        gr.Gallery(columns=4, label="landscapes"),
    ),
    "detect": lambda: gr.Interface(
        detect,
        [gr.Image(label="picture", type="numpy"), gr.Radio(["boxes", "masks"], value="boxes", label="draw")],
        gr.AnnotatedImage(color_map={"red": "#e03131", "yellow": "#f59f00", "green": "#2f9e44", "blue": "#1971c2"},
                          label="found"),
    ),
    "files": lambda: gr.Interface(
        describe_all,
        gr.File(file_count="multiple", file_types=["image", "text", ".pdf"], label="files"),
        [gr.Markdown(label="description"), gr.File(label="report")],
    ),
    "chat": lambda: gr.ChatInterface(
        chat,
        multimodal=True,
        textbox=gr.MultimodalTextbox(file_types=["image"], file_count="multiple"),
        additional_inputs=[gr.Slider(25, 80, value=60, label="longest reply")],
        api_name="chat",
    ),
    "topics": lambda: gr.Interface(
        topics,
        gr.Textbox(label="text"),
        gr.Label(label="topic"),
        batch=True,
        max_batch_size=16,
        api_name="topics",
    ),
    "event": lambda: gr.Interface(
        plan,
        [gr.Textbox(label="title"), gr.DateTime(label="start", type="datetime"), gr.ColorPicker(label="colour")],
        [gr.Markdown(label="summary"), gr.DateTime(label="reminder", type="datetime"), gr.ColorPicker(label="text colour")],
    ),
    "tagger": lambda: gr.Interface(
        tag, gr.Textbox(label="text"), gr.HighlightedText(label="tagged", show_legend=True, color_map={"name": "#ffd43b"})
    ),
    "format_json": lambda: gr.Interface(
        format_json,
        [gr.Code(language="json", lines=8, label="JSON"),
         gr.Radio(["2 spaces", "4 spaces", "tab", "minified"], label="indent", value="2 spaces")],
        gr.Code(language="json", lines=8, label="formatted"),
    ),
}

def turn(video):
    """Rheo's /turn gives the video back turned by its track header; Gradio has no way to turn one
    without ffmpeg, so here it comes back as it is, with a sentence."""
    return video, "as it came"


def contact_sheet(images, columns):
    """Rheo's /contact_sheet lays the images out on one sheet; here the first image, and the
    images' count."""
    return images[0][0], f"{len(images)} images"


TWINS["contact_sheet"] = lambda: gr.Interface(
    contact_sheet,
    [gr.Gallery(label="images", columns=4), gr.Slider(1, 8, step=1, value=3, label="columns")],
    [gr.Image(label="contact sheet"), gr.Textbox(label="what is on it")],
)

TWINS["turn"] = lambda: gr.Interface(
    turn, gr.Video(label="video"), [gr.Video(label="turned"), gr.Textbox(label="what it is")]
)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    origins = {}
    for name, build in TWINS.items():
        port = free_port()
        build().launch(server_name="127.0.0.1", server_port=port, show_error=True, prevent_thread_lock=True)
        origins[name] = f"http://127.0.0.1:{port}"
    # Written whole, then renamed: a reader never sees half of it.
    out = sys.argv[1]
    with open(out + ".part", "w") as f:
        json.dump(origins, f)
    os.replace(out + ".part", out)
    threading.Event().wait()
