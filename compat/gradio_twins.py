"""Gradio 6.31's versions of Rheo demos, for test_components_match_gradio.py to compare their
components' wire shapes (/config, /info, values) with Rheo's:

    python gradio_twins.py DEMO PORT

DEMO: files (Rheo's /files: files in, a description and a CSV report out), chat (Rheo's /chat:
a multimodal ChatInterface with the longest reply as an additional input), topics (Rheo's
/topics: a batched function of texts to labels; here a topic by keyword).
"""

import csv
import os
import sys
import tempfile

import gradio as gr


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


TWINS = {
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
}

if __name__ == "__main__":
    name, port = sys.argv[1], int(sys.argv[2])
    TWINS[name]().launch(server_name="127.0.0.1", server_port=port, show_error=True)
