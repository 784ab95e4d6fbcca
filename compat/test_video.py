"""Rheo's Video against Gradio 6.31's, side by side (gradio_twins.py's twin of /turn): the same
props and API description, values of the same shape that gradio_client reads from either; the
MCP client calling /turn; and what is not a video, or is too long, refused in words. The API
page's tests run /turn's snippets (@gradio/client, curl, Rust)."""

import base64
import json
import pathlib

import httpx
from gradio_client import Client, handle_file

from test_components_match_gradio import described_alike, twin_fixture
from test_mcp import ORIGIN, with_session

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "server" / "tests" / "fixtures"
# Chromium's MediaRecorder: 1.5 s of its fake camera at 320×240, H.264 with Opus sound.
MP4 = FIXTURES / "webcam-h264.mp4"
WEBM = FIXTURES / "webcam-vp8.webm"
turn_twin = twin_fixture("turn")


def call(origin, path, name):
    """/turn called through the REST API with the file at `path` uploaded as `name`: its event
    stream, which ends with its outputs or its error."""
    stored = httpx.post(f"{origin}/gradio_api/upload", files=[("files", (name, path.read_bytes()))]).json()
    value = {"path": stored[0], "orig_name": name, "meta": {"_type": "gradio.FileData"}}
    event = httpx.post(f"{origin}/gradio_api/call/turn", json={"data": [value]}).json()["event_id"]
    return httpx.get(f"{origin}/gradio_api/call/turn/{event}", timeout=60).text


def test_a_videos_props_and_description_match_gradios(turn_twin):
    described = described_alike("turn", turn_twin, "/turn", ["video"])
    assert [(c, python) for c, python, _ in described] == [("Video", "filepath"), ("Video", "filepath"), ("Textbox", "str")]


def test_a_video_goes_both_ways_through_gradio_client_with_either_server(turn_twin):
    for origin in (f"{ORIGIN}/turn", turn_twin):
        video, said = Client(f"{origin}/", verbose=False).predict(handle_file(str(MP4)), api_name="/turn")
        got = pathlib.Path(video).read_bytes()
        assert got[4:8] == b"ftyp" and len(got) == MP4.stat().st_size, origin
    assert said == "as it came"
    video, said = Client(f"{ORIGIN}/turn/", verbose=False).predict(handle_file(str(MP4)), api_name="/turn")
    assert said == "1.5 s of 320×240 MP4, with sound; it now plays turned 90° from how it was recorded"
    assert pathlib.Path(video).read_bytes() != MP4.read_bytes(), "its track header turned"


def test_a_video_output_has_gradios_shape(turn_twin):
    bodies = call(f"{ORIGIN}/turn", MP4, "clip.mp4"), call(turn_twin, MP4, "clip.mp4")
    ours, theirs = (json.loads(body.split("data: ", 1)[1].splitlines()[0]) for body in bodies)
    assert set(ours[0]) == set(theirs[0]), "an output video's keys"
    assert ours[0]["meta"] == theirs[0]["meta"] == {"_type": "gradio.FileData"}
    assert ours[0]["orig_name"] == "turned-clip.mp4" and httpx.get(ours[0]["url"]).headers["content-type"] == "video/mp4"


def test_what_is_not_a_video_a_webm_and_a_too_long_video_are_refused_in_words(tmp_path):
    png = tmp_path / "clip.mp4"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(32))
    assert "this is not a video in a format the server reads (MP4 or WebM)" in call(f"{ORIGIN}/turn", png, "clip.mp4")
    webm = call(f"{ORIGIN}/turn", WEBM, "clip.webm")
    assert "1.4 s of 320×240 WebM, with sound. Only an MP4 turns" in webm, webm
    # Each fragment's first sample said to last 2^31 ticks: hours long by its samples' timing,
    # which is what the limit (10 minutes) goes by. A run (trun): version and flags, the sample
    # count, a data offset and the first sample's flags if its flags say so, then each sample's
    # duration first (Chromium writes durations and sizes).
    long = bytearray(MP4.read_bytes())
    at = long.find(b"trun")
    while at != -1:
        flags = int.from_bytes(long[at + 5:at + 8], "big")
        assert flags & 0x100, "each sample's duration is written"
        first = at + 12 + (4 if flags & 0x1 else 0) + (4 if flags & 0x4 else 0)
        long[first:first + 4] = (0x7FFFFFFF).to_bytes(4, "big")
        at = long.find(b"trun", at + 4)
    (tmp_path / "long.mp4").write_bytes(bytes(long))
    refused = call(f"{ORIGIN}/turn", tmp_path / "long.mp4", "long.mp4")
    assert "long; the limit is 600 s" in refused, refused


def test_mcp_calls_the_video_demo_with_a_data_url():
    data_url = "data:video/mp4;base64," + base64.b64encode(MP4.read_bytes()).decode()
    result = with_session(lambda s: s.call_tool("turn", {"video": data_url}))
    assert not result.is_error, result
    video, said = result.content
    assert video.type == "resource" and video.resource.mime_type == "video/mp4"
    assert base64.b64decode(video.resource.blob)[4:8] == b"ftyp"
    assert said.type == "text" and said.text.startswith("1.5 s of 320×240 MP4")
