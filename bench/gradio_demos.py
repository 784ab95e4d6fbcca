"""The Gradio side of the side-by-side benchmark: the same demos, written the Gradio way.

Run by bench/bench.mjs with the virtualenv bench/run.sh creates, one process per demo:
    .venv/bin/python gradio_demos.py DEMO PORT [STREAM_EVERY]
DEMO: calculator, flip, synth, transcribe, echo_chat or topics; STREAM_EVERY (seconds) for flip and
transcribe, whose own are Rheo's: 1/30 s and 0.5 s; for topics, 0 for one text a run (else batches).
"""

import sys
import time

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


def flip_demo(stream_every=1 / 30):
    """The seed's webcam demo, with Rheo's /flip settings: a frame every 1/30 s."""
    return gr.Interface(
        flip,
        gr.Image(sources=["webcam"], streaming=True),
        "image",
        live=True,
        api_name="predict",
        stream_every=stream_every,
        time_limit=600,
    )

NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def note_frequency(name):
    letter, rest = name[0].upper(), name[1:]
    semitone = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}[letter]
    if rest[:1] in ("#", "b"):
        semitone += 1 if rest[0] == "#" else -1
        rest = rest[1:]
    midi = 12 * (int(rest) + 1) + semitone
    return 440.0 * 2 ** ((midi - 69) / 12)


def note_name(frequency):
    midi = round(69 + 12 * np.log2(frequency / 440.0))
    return f"{NAMES[midi % 12]}{midi // 12 - 1}"


def synth(notes, tempo):
    """Rheo's /synth: one chunk per note, each after 0.3 s of "thinking"."""
    rate, seconds = 24000, 60.0 / tempo
    t = np.arange(int(seconds * rate)) / rate
    envelope = np.minimum(t / 0.01, 1.0) * np.exp(-3.0 * t / seconds)
    for name in notes.split():
        time.sleep(0.3)
        f = note_frequency(name)
        tone = np.sin(2 * np.pi * f * t) + 0.3 * np.sin(4 * np.pi * f * t) + 0.1 * np.sin(6 * np.pi * f * t)
        yield rate, (0.4 * envelope * tone * 32767).astype(np.int16)


synth_demo = gr.Interface(
    synth,
    [gr.Textbox(value="C4 E4 G4 C5", label="notes"), gr.Slider(40, 240, value=180, label="tempo")],
    gr.Audio(streaming=True, autoplay=True, label="melody"),
    api_name="synth",
)


def detect_pitch(samples, rate):
    """Rheo's YIN (same window, lags, threshold), vectorised with numpy."""
    max_lag, min_lag = int(rate / 60), max(int(rate / 2000), 2)
    window = max(max_lag, 1024)
    if len(samples) < window + max_lag:
        return None
    start = len(samples) - window - max_lag
    frame = samples[start : start + window + max_lag].astype(np.float64)
    if np.sqrt(np.mean(frame[:window] ** 2)) < 0.01:
        return None
    difference = np.array([np.sum((frame[:window] - frame[lag : lag + window]) ** 2) for lag in range(max_lag + 1)])
    running = np.cumsum(difference[1:])
    normalised = np.ones(max_lag + 1)
    normalised[1:] = np.where(running > 0, difference[1:] * np.arange(1, max_lag + 1) / np.maximum(running, 1e-300), 1.0)
    below = np.nonzero(normalised[min_lag:max_lag] < 0.15)[0]
    if len(below) == 0:
        return None
    lag = min_lag + below[0]
    while lag + 1 < max_lag and normalised[lag + 1] < normalised[lag]:
        lag += 1
    before, at, after = normalised[lag - 1], normalised[lag], normalised[lag + 1]
    curve = before + after - 2 * at
    shift = (before - after) / (2 * curve) if abs(curve) > 1e-12 else 0.0
    return rate / (lag + shift)


def frame_length(rate):
    max_lag = int(rate / 60)
    return max(max_lag, 1024) + max_lag


def heard(window, neighbour, rate):
    """("confirmed" | "once", note) at the end of window, confirmed if neighbour's end agrees."""
    frequency = detect_pitch(window, rate)
    if not frequency:
        return None, None
    note = note_name(frequency)
    other = detect_pitch(neighbour, rate) if neighbour is not None else None
    return ("confirmed" if other and note_name(other) == note else "once"), note


def transcribe(chunk, transcript):
    """Rheo's /transcribe: each chunk heard at its start and its end, each confirmed by the
    window next to it; an end not confirmed waits for the next chunk to begin or end with it."""
    notes, holding, unconfirmed = transcript or ([], None, None)
    rate, samples = chunk
    samples = samples.astype(np.float32) / 32768.0
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    frame = frame_length(rate)

    def hold(note):
        nonlocal notes, holding
        if note != holding:
            notes = notes + [note]
        holding = note

    begins = heard(samples[:frame], samples[: 2 * frame] if len(samples) >= 2 * frame else None, rate) if len(samples) >= frame else (None, None)
    ends = heard(samples, samples[: len(samples) - frame] if len(samples) >= 2 * frame else None, rate)
    if unconfirmed and unconfirmed in (begins[1], ends[1]):
        hold(unconfirmed)
    unconfirmed = None
    if begins[0] == "confirmed":
        hold(begins[1])
    if ends[0] == "confirmed":
        hold(ends[1])
    elif ends[0] == "once" and ends[1] != holding:
        unconfirmed = ends[1]
    elif ends[0] is None:
        holding = None
    return ends[1] or "—", " ".join(notes), (notes, holding, unconfirmed)


def transcribe_demo(stream_every=0.5):
    """Blocks with the microphone's stream event, as Gradio's guide writes a streaming handler
    with State ("Keeping track of past inputs or outputs"): a live Interface also reruns the
    function on its own State's change event, with the same chunk, so a chunk holding two notes
    would write them again and again until the next chunk came."""
    with gr.Blocks() as demo:
        microphone = gr.Audio(sources=["microphone"], streaming=True, label="microphone")
        state = gr.State()
        note = gr.Textbox(label="note")
        transcript = gr.Textbox(label="transcript")
        microphone.stream(
            transcribe,
            [microphone, state],
            [note, transcript, state],
            stream_every=stream_every,
            time_limit=30,
        )
    return demo


def echo_chat(message, history):
    """Rheo's /echo_chat: `tokens N every MS` streams N tokens MS ms apart, the last stamped
    with the time it was yielded; anything else comes back a word at a time."""
    words = message.split()
    if len(words) == 4 and words[0] == "tokens" and words[2] == "every":
        count, every, reply = min(int(words[1]), 10_000), min(int(words[3]), 1000) / 1000, ""
        for index in range(count):
            time.sleep(every)
            reply += f"end@{int(time.time() * 1000)}" if index == count - 1 else f"tok{index} "
            yield reply
        return
    reply = ""
    for word in message.split(" "):
        time.sleep(0.04)
        reply += word + " "
        yield reply


echo_chat_demo = gr.ChatInterface(echo_chat, api_name="chat")


TOPICS = {
    "sport": "match goal team score player league coach football tennis race win season stadium referee",
    "food": "recipe cook bake kitchen flavour dinner bread cheese taste sauce oven restaurant spicy sweet",
    "music": "song band guitar concert album melody singer rhythm piano drums chorus lyrics orchestra tune",
    "science": "experiment theory atom physics chemistry cell energy molecule research laboratory data orbit",
    "travel": "trip flight hotel beach journey passport island mountain train tourist luggage visit abroad",
}
FEATURES, DIMENSIONS = 8192, 512


def trigram_counts(texts):
    """Rheo's /topics features: each text's character trigrams, hashed (FNV-1a) into 8192 counts."""
    counts = np.zeros((len(texts), FEATURES), dtype=np.float32)
    for row, text in enumerate(texts):
        chars = f" {text.lower()} "
        for start in range(len(chars) - 2):
            h = 0xCBF29CE484222325
            for c in chars[start : start + 3]:
                h = ((h ^ ord(c)) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
            counts[row, h % FEATURES] += 1
    return counts


def topics_demo(batch=1.0):
    """Rheo's /topics in numpy: one dense layer of 8192x512 weights, the nearest topic wins;
    batched (16 calls a run, as Rheo's) unless batch is 0."""
    weights = np.random.default_rng(7).uniform(-1, 1, (FEATURES, DIMENSIONS)).astype(np.float32)

    def project(texts):
        out = trigram_counts(texts) @ weights
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-30)

    names, centres = list(TOPICS), project(list(TOPICS.values()))

    def label(projected):
        near = 12.0 * centres @ projected
        exp = np.exp(near - near.max())
        return dict(zip(names, (exp / exp.sum()).tolist()))

    def topics(texts):
        return [[label(p) for p in project(texts)]]

    def one(text):
        return label(project([text])[0])

    fn = topics if batch else one
    options = {"batch": True, "max_batch_size": 16} if batch else {}
    return gr.Interface(fn, gr.Textbox(label="text"), gr.Label(label="topic"), api_name="topics", **options)


if __name__ == "__main__":
    name, port, options = sys.argv[1], int(sys.argv[2]), [float(x) for x in sys.argv[3:]]
    demos = {
        "calculator": lambda: calculator_demo,
        "flip": flip_demo,
        "synth": lambda: synth_demo,
        "transcribe": transcribe_demo,
        "echo_chat": lambda: echo_chat_demo,
        "topics": topics_demo,
    }
    demo = demos[name](*options)
    demo.launch(server_name="127.0.0.1", server_port=port, show_error=True)
