"""Each interface's "Use via API" page: every snippet it shows (Python, JavaScript, curl, Rust,
the MCP configuration) is run as shown, against the release demos, and its output checked.

The JavaScript runs from end2end/ (where @gradio/client is installed); the Rust snippets are
built once, as one Cargo project under target/ with the page's own [dependencies]."""

import html
import io
import json
import os
import pathlib
import re
import subprocess
import sys

import httpx
import pytest
from PIL import Image

from test_mcp import ORIGIN, with_session

REPO = pathlib.Path(__file__).resolve().parent.parent
SNIPPET = re.compile(r'<code data-snippet="([\w-]+)">(.*?)</code>', re.S)
# Interfaces whose snippets run: numbers and a choice, text and a boolean, an image file, a
# list of files, a date-time and a colour, highlighted text, code, a gallery out and one in, a
# table, a video.
NAMES = ["calculator", "greet", "flip", "files", "event", "tagger", "format_json", "landscapes", "summary", "turn",
         "contact_sheet"]
EXPECTED = {
    "calculator": "48",
    "greet": "Hello, Ada!!!",
    "files": "**file.pdf**: a PDF document",
    "event": "2026-12-23 19:30:00",
    "format_json": "born",
    # The first example's January mean (Reykjavik, Helsinki, Moscow).
    "summary": "-3.33",
    # The example's three images, each with its caption.
    "landscapes": "Night over snow, variation 3",
    # The video's description, after the turned video.
    "turn": "320×240 MP4, with sound; it now plays turned 90°",
    # The reader's image, alone in the gallery.
    "contact_sheet": "1 image on 1 row of 1: 1. (4×3)",
    # A span of "Ada Lovelace" labelled name: Python prints it with single quotes, the others as
    # JSON, and the keys come in either order.
    "tagger": re.compile(r"""\{[^{}]*(?=[^{}]*['"]token['"]: ?['"]Ada Lovelace['"])(?=[^{}]*['"]class_or_confidence['"]: ?['"]name['"])"""),
}


# The gradio crate uploads no file inside an object, so its snippet sends an empty gallery.
RUST_EXPECTED = {"contact_sheet": "No images: add some to the gallery."}


def snippets(name):
    page = httpx.get(f"{ORIGIN}/{name}/api")
    assert page.status_code == 200 and "via API</h1>" in page.text
    return {language: html.unescape(code) for language, code in SNIPPET.findall(page.text)}


def upside_down():
    """A picture whose rows are 0, 100, 200 of red, top to bottom."""
    image = Image.new("RGB", (4, 3))
    for y in range(3):
        for x in range(4):
            image.putpixel((x, y), (y * 100, 0, 0))
    return image


def reds(image):
    return [image.convert("RGB").getpixel((0, y))[0] for y in range(image.height)]


@pytest.fixture
def workdir(tmp_path):
    upside_down().save(tmp_path / "image.png")
    (tmp_path / "file.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    (tmp_path / "video.mp4").write_bytes((REPO / "server" / "tests" / "fixtures" / "webcam-h264.mp4").read_bytes())
    return tmp_path


def run(command, cwd, **kwargs):
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, **kwargs)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def check(name, output, read_file, expected=None):
    """The output of `name`'s snippet: the expected text, or the image flipped."""
    expected = expected or EXPECTED.get(name)
    if isinstance(expected, re.Pattern):
        assert expected.search(output), output
    elif expected:
        assert expected in output, output
    else:
        assert reds(read_file(output)) == [200, 100, 0], output


def download(output):
    url = re.search(r'"url":\s*"([^"]+)"', output).group(1)
    assert url.startswith(ORIGIN), url
    return Image.open(io.BytesIO(httpx.get(url).content))


@pytest.mark.parametrize("name", NAMES)
def test_the_python_snippet_runs_as_shown(name, workdir):
    (workdir / "snippet.py").write_text(snippets(name)["python"])
    output = run([sys.executable, "snippet.py"], workdir)
    check(name, output, lambda out: Image.open(out.strip().splitlines()[-1]))


@pytest.mark.parametrize("name", NAMES)
def test_the_javascript_snippet_runs_as_shown(name, workdir):
    # Node finds @gradio/client from the script's own folder up; the script reads image.png
    # from its working directory.
    script = REPO / "end2end" / f".snippet-{name}-{os.getpid()}.mjs"
    script.write_text(snippets(name)["javascript"])
    try:
        output = run(["node", str(script)], workdir)
    finally:
        script.unlink()
    check(name, output, download)


@pytest.mark.parametrize("name", NAMES)
def test_the_curl_snippet_runs_as_shown(name, workdir):
    (workdir / "snippet.sh").write_text(snippets(name)["curl"])
    output = run(["bash", "-eo", "pipefail", "snippet.sh"], workdir)
    assert "event: complete" in output, output
    check(name, output, download)


@pytest.fixture(scope="module")
def rust_snippets():
    """Builds every Rust snippet as a binary of one project with the page's manifest."""
    project = REPO / "target" / "api-snippets"
    (project / "src" / "bin").mkdir(parents=True, exist_ok=True)
    manifests = set()
    for name in NAMES:
        shown = snippets(name)
        manifests.add(shown["rust-manifest"])
        (project / "src" / "bin" / f"{name}.rs").write_text(shown["rust"])
    assert len(manifests) == 1, "one manifest for every interface"
    package = '[package]\nname = "api-snippets"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n\n'
    (project / "Cargo.toml").write_text(package + manifests.pop())
    env = {**os.environ, "CARGO_TARGET_DIR": str(REPO / "target" / "api-snippets-target")}
    done = subprocess.run(["cargo", "build", "--quiet", "--bins"], cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return REPO / "target" / "api-snippets-target" / "debug"


@pytest.mark.parametrize("name", NAMES)
def test_the_rust_snippet_runs_as_shown(name, workdir, rust_snippets):
    output = run([str(rust_snippets / name)], workdir)
    check(name, output, download, RUST_EXPECTED.get(name))


def test_the_mcp_configuration_reaches_the_tools():
    config = json.loads(snippets("calculator")["mcp"])
    url = config["mcpServers"]["rheo"]["url"]
    assert url == f"{ORIGIN}/gradio_api/mcp/"
    names = [tool.name for tool in with_session(lambda s: s.list_tools(), url).tools]
    assert "calculator" in names


def test_the_page_escapes_the_authors_text_and_describes_each_parameter():
    page = httpx.get(f"{ORIGIN}/calculator/api").text
    assert "<td><code>num1</code></td><td>Number</td><td>number</td><td><code>0.0</code></td><td>The number on the left.</td>" in page
    assert "one of: add, subtract, multiply, divide" in page
    assert httpx.get(f"{ORIGIN}/nope/api").status_code == 404
