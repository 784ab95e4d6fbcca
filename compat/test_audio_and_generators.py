"""The official Python client against Rheo's audio and generator demos: files in and out
with `handle_file`, generators through `submit()`, State kept per client session."""

import math
import os
import wave

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image, ImageChops, ImageStat

ORIGIN = os.environ.get("RHEO_ORIGIN", "http://127.0.0.1:3000")


def tone(path, frequency, seconds, rate=16000):
    """A 16-bit mono WAV of a steady tone."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = bytearray()
        for i in range(int(seconds * rate)):
            frames += int(12000 * math.sin(2 * math.pi * frequency * i / rate)).to_bytes(2, "little", signed=True)
        out.writeframes(bytes(frames))
    return str(path)


def seconds(path):
    with wave.open(path) as audio:
        return audio.getnframes() / audio.getframerate()


def test_view_api_describes_audio_as_a_file():
    api = Client(f"{ORIGIN}/echo/", verbose=False).view_api(print_info=False, return_format="dict")
    endpoint = api["named_endpoints"]["/keep_repeating"]
    assert [(p["parameter_name"], p["component"], p["python_type"]["type"]) for p in endpoint["parameters"]] == [
        ("recording", "Audio", "filepath")
    ]
    assert endpoint["returns"][0]["component"] == "Audio"


def test_a_generator_yields_every_step_in_order_through_submit():
    client = Client(f"{ORIGIN}/diffusion/", verbose=False)
    job = client.submit(4, api_name="/diffuse")
    steps = list(job)
    assert len(steps) == 4 and job.outputs() == steps
    final = Image.open(job.result()).convert("RGB")
    distances = [ImageStat.Stat(ImageChops.difference(Image.open(s).convert("RGB"), final)).mean[0] for s in steps]
    assert distances == sorted(distances, reverse=True) and distances[-1] == 0, distances


def test_the_rest_api_sends_a_generators_values_then_completes():
    url = f"{ORIGIN}/diffusion/gradio_api/call/diffuse"
    event_id = httpx.post(url, json={"data": [3]}).json()["event_id"]
    events = [line for line in httpx.get(f"{url}/{event_id}", timeout=30).text.splitlines() if line.startswith("event:")]
    assert events == ["event: generating", "event: generating", "event: complete"]


def test_streamed_audio_ends_as_one_file_of_all_its_chunks():
    client = Client(f"{ORIGIN}/synth/", verbose=False)
    job = client.submit("C4 E4 G4", 120, api_name="/synth")
    outputs = list(job)
    chunks, whole = outputs[:-1], outputs[-1]
    assert [seconds(c) for c in chunks] == [0.5, 0.5, 0.5]
    assert seconds(whole) == 1.5 and job.result() == whole


def test_audio_goes_in_and_comes_back_repeated(tmp_path):
    recording = tone(tmp_path / "hum.wav", 330, 0.4)
    echo = Client(f"{ORIGIN}/echo/", verbose=False).predict(handle_file(recording), api_name="/keep_repeating")
    assert seconds(echo) == pytest.approx(4 * 0.4)


def test_corrupt_audio_raises_with_our_message(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF but not really a wav file")
    with pytest.raises(Exception, match="not audio in a format the server reads"):
        Client(f"{ORIGIN}/echo/", verbose=False).predict(handle_file(str(bad)), api_name="/keep_repeating")


def test_a_bad_note_raises_with_our_message():
    with pytest.raises(AppError, match='"H2" is not a note'):
        Client(f"{ORIGIN}/synth/", verbose=False).predict("C4 H2", 120, api_name="/synth")


def test_state_builds_up_across_calls_of_one_client_only(tmp_path):
    a4, c5 = tone(tmp_path / "a4.wav", 440, 0.5), tone(tmp_path / "c5.wav", 523.25, 0.5)
    first, second = Client(f"{ORIGIN}/transcribe/", verbose=False), Client(f"{ORIGIN}/transcribe/", verbose=False)
    assert first.predict(handle_file(a4), api_name="/transcribe") == ("A4", "A4")
    assert first.predict(handle_file(c5), api_name="/transcribe") == ("C5", "A4 C5")
    assert second.predict(handle_file(c5), api_name="/transcribe") == ("C5", "C5"), "another client, its own state"


def test_talk_answers_a_recording_as_one_turn_through_submit(tmp_path):
    """ReplyOnPause's endpoint, called by the official client: the recording is the utterance, and
    the reply (the words said back 1.25 times slower) streams as pieces, then ends as one file."""
    said = tone(tmp_path / "said.wav", 220, 0.8)
    job = Client(f"{ORIGIN}/talk/", verbose=False).submit(handle_file(said), api_name="/say_back")
    outputs = list(job)
    pieces, whole = outputs[:-1], outputs[-1]
    assert [round(seconds(p), 3) for p in pieces] == [0.1] * 10, "0.8 s said back as 1 s, in pieces of 0.1 s"
    assert seconds(whole) == pytest.approx(1.0, abs=0.001) and job.result() == whole
