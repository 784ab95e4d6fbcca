"""Cached examples (`Interface::cache_examples`) through Gradio's REST API, against the release
demos: /diffusion keeps its examples' last pictures once made (lazily; its examples, 12 and 16
steps, are no value another test calls it with, which would get the kept picture at once). A kept answer comes
without running the handler again: the same stored file each time, where a call on other values
makes a new one. (The Rust tests count the handler's calls, eager and lazy; the browser tests
click a cached example of /topics.)"""

import json

import httpx

from test_mcp import ORIGIN


def call(app, api_name, *data):
    """One call through Gradio's REST API: its last data message, parsed."""
    base = f"{ORIGIN}/{app}/gradio_api/call/{api_name}"
    event_id = httpx.post(base, json={"data": list(data)}, timeout=30).json()["event_id"]
    answer = httpx.get(f"{base}/{event_id}", timeout=60).text
    assert "event: complete" in answer, answer
    data = [line[len("data: "):] for line in answer.splitlines() if line.startswith("data: ")]
    return json.loads(data[-1])


def test_a_lazily_cached_generator_keeps_its_last_picture_and_runs_once():
    first = call("diffusion", "diffuse", 12)[0]
    again = call("diffusion", "diffuse", 12)[0]
    assert first["path"] == again["path"], "the kept picture, not a new run's"
    assert first["url"] and httpx.get(first["url"]).headers["content-type"] == "image/png"
    other, other_again = call("diffusion", "diffuse", 2)[0], call("diffusion", "diffuse", 2)[0]
    assert other["path"] != other_again["path"], "a value that is no example runs each time"
