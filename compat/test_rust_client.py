"""The Rust Gradio client (the `gradio` crate, 0.4.2, unmodified): its `gr` command line
against the release demos. `scripts/setup.sh tests` installs it (under ~/.cache/rheo/tools)
and names it in RHEO_GR; its
`Client::predict` runs in test_api_page.py (the pages' Rust snippets)."""

import os
import shutil
import subprocess

import pytest
from PIL import Image

from test_api_page import REPO, reds, upside_down
from test_audio_and_generators import tone
from test_components_match_gradio import twin_fixture
from test_mcp import ORIGIN

GR = os.environ.get("RHEO_GR") or shutil.which("gr") or "gr: run scripts/setup.sh tests, which installs it"
DEMOS = ["calculator", "greet", "flip", "filters", "mirror", "transcribe", "echo", "synth", "diffusion", "word_count", "files", "topics",
         "event", "tagger", "format_json", "summary", "signal", "turn"]


def gr(*args):
    done = subprocess.run([str(GR), *map(str, args)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"gr {' '.join(map(str, args))} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.parametrize("name", DEMOS)
def test_gr_lists_every_demo(name):
    assert f"API Spec for {ORIGIN}/{name}/" in gr("list", f"{ORIGIN}/{name}/")


# Gradio's /summary: a Dataframe in, a Dataframe and a BarPlot out.
summary_twin = twin_fixture("summary")


def test_gr_lists_an_app_with_a_table_and_a_plot_which_it_cannot_with_gradios(summary_twin):
    """Gradio describes a plot's value as {} (any JSON), and a Dataframe parameter's description
    as null: the gradio crate (0.4.2) reads neither, and fails on Gradio's app. Rheo writes
    "object" and "" there (when a newer crate reads Gradio's, this test says so)."""
    listed = gr("list", f"{ORIGIN}/summary/")
    assert "/summary" in listed and "table" in listed and "means" in listed, listed
    failed = subprocess.run([str(GR), "list", f"{summary_twin}/"], capture_output=True, text=True, timeout=120)
    assert failed.returncode != 0 and "error decoding response body" in failed.stderr, failed.stderr


def test_gr_list_shows_the_parameters_and_their_types():
    listed = gr("list", f"{ORIGIN}/calculator/")
    assert "/calculator" in listed
    assert "operation            ( Literal['add', 'subtract', 'multiply', 'divide'] )" in listed


def test_gr_run_computes():
    assert gr("run", f"{ORIGIN}/calculator/", "/calculator", 3, "multiply", 4).strip().endswith("output: 12.0")
    assert "greeting: \"HELLO, ADA!\"" in gr("run", f"{ORIGIN}/greet/", "/greet", "Ada", 1, "true")


def test_gr_run_uploads_an_image_and_saves_it_flipped(tmp_path):
    upside_down().save(tmp_path / "in.png")
    out = tmp_path / "out"
    out.mkdir()
    printed = gr("-o", out, "run", f"{ORIGIN}/flip/", "/predict", tmp_path / "in.png")
    assert f"flipped: {out}/flipped.png" in printed
    assert reds(Image.open(out / "flipped.png")) == [200, 100, 0]


def test_gr_run_fills_in_state_an_interface_keeps(tmp_path):
    a4 = tone(tmp_path / "a4.wav", 440, 0.5)
    printed = gr("run", f"{ORIGIN}/transcribe/", "/transcribe", a4)
    assert printed == "note: \"A4\"\ntranscript: \"A4\"\n", printed


def test_gr_run_uploads_a_video_and_saves_it_turned(tmp_path):
    recording = REPO / "server" / "tests" / "fixtures" / "webcam-h264.mp4"
    out = tmp_path / "out"
    out.mkdir()
    printed = gr("-o", out, "run", f"{ORIGIN}/turn/", "/turn", recording)
    assert "it now plays turned 90°" in printed, printed
    saved = [path for path in out.iterdir() if path.suffix == ".mp4"]
    assert len(saved) == 1 and saved[0].stat().st_size == recording.stat().st_size, printed
