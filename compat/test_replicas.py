"""The official clients against three replicas of the demos behind nginx round-robin with no
stickiness, sharing State, Gradio's queue and files through a real Redis
(scripts/replicas-test-env.sh, which scripts/test.sh sources, starts them all).

Which replica served a request is read from nginx's access log (`$upstream_addr` first on each
line) and from its `X-Rheo-Replica` header. The last tests stop things: Redis (then start it again)
and one replica, in the middle of a call (left stopped: the browser tests that follow run on
the other two)."""

import concurrent.futures
import json
import os
import shlex
import signal
import subprocess
import time

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from test_audio_and_generators import tone
from test_gradio_client import top_and_bottom, two_tone_png

URL = os.environ.get("RHEO_REPLICAS_URL")
DIR = os.environ.get("RHEO_REPLICAS_DIR", "")

pytestmark = pytest.mark.skipif(
    URL is None and not os.environ.get("CI"),
    reason="needs the replicas of scripts/replicas-test-env.sh (scripts/test.sh starts them)",
)


def client(name):
    return Client(f"{URL}{name}/", verbose=False)


def log_lines():
    with open(os.path.join(DIR, "nginx-access.log")) as log:
        return [line.split() for line in log]


class Served:
    """The requests nginx sent on since it was made: (replica, method, uri, status) each."""

    def __init__(self):
        self.start = len(log_lines())

    def requests(self, uri_part):
        time.sleep(0.2)  # nginx writes a line once the response is done
        return [line for line in log_lines()[self.start:] if uri_part in line[2]]

    def replicas(self, uri_part):
        return [line[0] for line in self.requests(uri_part)]


def shift():
    """One more request through nginx, so that round-robin sends the next call's requests
    elsewhere: a call is three requests (upload, join, data), as many as there are replicas, so
    without it every join would land on the same one."""
    httpx.get(URL, timeout=10)


def test_state_builds_across_replicas_for_one_client_only(tmp_path):
    a4, c5 = tone(tmp_path / "a4.wav", 440.0, 0.5), tone(tmp_path / "c5.wav", 523.25, 0.5)
    served = Served()
    first, second = client("transcribe"), client("transcribe")
    assert first.predict(handle_file(a4), api_name="/transcribe") == ("A4", "A4")
    shift()
    assert first.predict(handle_file(c5), api_name="/transcribe") == ("C5", "A4 C5")
    shift()
    assert second.predict(handle_file(c5), api_name="/transcribe") == ("C5", "C5"), "another client, its own state"
    shift()
    assert first.predict(handle_file(a4), api_name="/transcribe") == ("A4", "A4 C5 A4")
    joins = served.replicas("/transcribe/gradio_api/queue/join")
    assert len(joins) == 4 and len(set(joins)) >= 2, f"the calls landed on {joins}"
    assert any(a != b for a, b in zip(joins, joins[1:])), f"consecutive calls on different replicas: {joins}"


def test_join_and_data_on_different_replicas_stream_every_generator_value_in_order():
    served = Served()
    for _ in range(3):
        shift()
        job = client("diffusion").submit(4, api_name="/diffuse")
        steps = list(job)
        assert len(steps) == 4 and job.outputs() == steps, "every value, in order"
        final = Image.open(job.result()).convert("RGB")
        assert Image.open(steps[-1]).convert("RGB").tobytes() == final.tobytes()
    joins = served.replicas("/diffusion/gradio_api/queue/join")
    datas = served.replicas("/diffusion/gradio_api/queue/data")
    assert len(joins) == 3 and len(datas) == 3, (joins, datas)
    assert any(j != d for j, d in zip(joins, datas)), f"join on {joins}, data on {datas}"


def replica(response):
    return response.headers["x-rheo-replica"]


def test_a_cached_example_is_computed_once_for_all_replicas():
    """/diffusion keeps its examples' last pictures (lazily): whichever replica a call of an
    example lands on, it gets the one kept picture, made by the first and shared through Redis,
    and every replica serves its file."""
    answers = []
    with httpx.Client(base_url=URL, timeout=60) as http:
        for _ in range(4):
            started = http.post("diffusion/gradio_api/call/diffuse", json={"data": [16]})
            assert started.status_code == 200, started.text
            result = http.get(f"diffusion/gradio_api/call/diffuse/{started.json()['event_id']}")
            data = [line[len("data: "):] for line in result.text.splitlines() if line.startswith("data: ")]
            answers.append((replica(started), json.loads(data[-1])[0]))
        assert len({served for served, _ in answers}) >= 2, f"the calls landed on {answers}"
        assert len({picture["path"] for _, picture in answers}) == 1, answers
        for _ in range(3):
            picture = http.get(answers[0][1]["url"])
            assert picture.status_code == 200 and picture.headers["content-type"] == "image/png", picture.status_code


def test_the_rest_api_reads_a_result_and_its_files_on_other_replicas():
    pairs = []
    with httpx.Client(base_url=URL, timeout=30) as http:
        for _ in range(3):
            started = http.post("synth/gradio_api/call/synth", json={"data": ["C4 E4", 240]})
            assert started.status_code == 200, started.text
            result = http.get(f"synth/gradio_api/call/synth/{started.json()['event_id']}")
            assert result.status_code == 200
            lines = result.text.splitlines()
            events = [line.removeprefix("event: ") for line in lines if line.startswith("event:")]
            assert events == ["generating", "generating", "complete"], result.text
            pairs.append((replica(started), replica(result)))
            # Each chunk and the whole melody download from whichever replica answers.
            for data in (line.removeprefix("data: ") for line in lines if line.startswith("data:")):
                file = http.get(httpx.Response(200, text=data).json()[0]["url"])
                assert file.status_code == 200 and file.content.startswith(b"RIFF"), file.text
    assert any(start != read for start, read in pairs), f"started and read on {pairs}"


def test_an_upload_on_one_replica_is_predicted_on_another_and_the_output_downloads_from_a_third(tmp_path):
    served = Served()
    flip = client("flip")
    for _ in range(3):
        shift()
        path = flip.predict(handle_file(two_tone_png(tmp_path)), api_name="/predict")
        assert top_and_bottom(path) == (0, 255), "upside down"
    uploads = served.replicas("/flip/gradio_api/upload")
    joins = served.replicas("/flip/gradio_api/queue/join")
    downloads = served.replicas("/flip/gradio_api/file=")
    assert len(uploads) == len(joins) == len(downloads) == 3, (uploads, joins, downloads)
    assert any(u != j for u, j in zip(uploads, joins)), f"uploads on {uploads}, calls on {joins}"
    assert any(j != d for j, d in zip(joins, downloads)), f"calls on {joins}, downloads on {downloads}"


def test_a_file_one_replica_stored_is_served_by_every_replica_and_no_other_path_is(tmp_path):
    png = two_tone_png(tmp_path).read_bytes()
    ports = os.environ["RHEO_REPLICA_PORTS"].split()
    with httpx.Client(timeout=10) as http:
        for port in ports:
            upload = http.post(f"http://127.0.0.1:{port}/flip/gradio_api/upload", files={"files": ("two.png", png, "image/png")})
            assert upload.status_code == 200, upload.text
            stored = upload.json()[0]
            for other in ports:
                served = http.get(f"http://127.0.0.1:{other}/flip/gradio_api/file={stored}")
                assert served.status_code == 200, (port, other, served.text)
                assert served.content == png
                # A path beside it, or above it, is nobody's file on any replica.
                for forged in (stored + ".x", stored.rsplit("/", 1)[0], "/etc/passwd"):
                    assert http.get(f"http://127.0.0.1:{other}/flip/gradio_api/file={forged}").status_code == 404


def test_a_stopped_redis_is_a_clear_error_and_the_replicas_recover_when_it_is_back():
    calculator = client("calculator")
    assert calculator.predict(3, "multiply", 4, api_name="/calculator") == 12
    pid = int(open(os.path.join(DIR, "redis.pid")).read())
    os.kill(pid, signal.SIGTERM)
    for _ in range(100):
        if not os.path.exists(f"/proc/{pid}"):
            break
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=URL, timeout=10) as http:
            for _ in range(3):  # each replica in turn
                down = http.post("calculator/gradio_api/call/calculator", json={"data": [3, "multiply", 4]})
                assert down.status_code == 503, down.text
                assert "shared store (Redis) is unavailable" in down.json()["detail"]
            # What needs no store goes on: the page's own call of a stateless interface.
            run = http.post("calculator/run", json={"data": [3, "multiply", 4]})
            assert run.status_code == 200 and run.json() == {"data": [12.0]}
            assert http.get("calculator").status_code == 200
    finally:
        subprocess.run(shlex.split(os.environ["RHEO_REDIS_COMMAND"]), check=True)
    deadline = time.monotonic() + 15
    while True:
        try:
            assert client("calculator").predict(3, "multiply", 4, api_name="/calculator") == 12
            break
        except Exception:  # the replicas reconnect on their own, within a few seconds
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    for pid in os.environ["RHEO_REPLICA_PIDS"].split():
        assert os.path.exists(f"/proc/{pid}"), "no replica crashed"


def kill_the_last_replica():
    """Kills the last replica (SIGKILL: no goodbye), if it is not dead already."""
    victim = int(os.environ["RHEO_REPLICA_PIDS"].split()[-1])
    try:
        os.kill(victim, signal.SIGKILL)
    except ProcessLookupError:
        pass


def sse_messages(response):
    for line in response.iter_lines():
        if line.startswith("data:"):
            yield json.loads(line.removeprefix("data:"))


def test_a_call_whose_replica_dies_fails_in_words_for_its_reader_on_another_replica(tmp_path):
    victim, reader = os.environ["RHEO_REPLICA_PORTS"].split()[-1], os.environ["RHEO_REPLICA_PORTS"].split()[0]
    on = lambda port, path: f"http://127.0.0.1:{port}/diffusion/gradio_api/{path}"
    session = f"dying-{time.time_ns()}"
    with httpx.Client(timeout=60) as http:
        joined = http.post(on(victim, "queue/join"), json={"data": [20], "fn_index": 0, "session_hash": session})
        assert joined.status_code == 200, joined.text
        event_id = joined.json()["event_id"]
        rest = http.post(on(victim, "call/diffuse"), json={"data": [20]}).json()["event_id"]
        result = concurrent.futures.ThreadPoolExecutor(1).submit(
            lambda: httpx.get(on(reader, f"call/diffuse/{rest}"), timeout=90).text
        )
        with http.stream("GET", on(reader, f"queue/data?session_hash={session}")) as stream:
            messages = sse_messages(stream)
            for message in messages:
                if message["msg"] == "process_generating":
                    kill_the_last_replica()
                    break
            # Heartbeats come every 15 s: a reader told nothing within 45 s was left waiting.
            deadline, rest_of_them = time.monotonic() + 45, []
            for message in messages:
                rest_of_them.append(message)
                if message["msg"] == "close_stream" or time.monotonic() > deadline:
                    break
    completed = [m for m in rest_of_them if m["msg"] == "process_completed"]
    assert len(completed) == 1 and completed[0]["event_id"] == event_id, rest_of_them
    assert completed[0]["success"] is False
    assert "stopped before it finished" in completed[0]["output"]["error"]
    assert rest_of_them[-1]["msg"] == "close_stream"
    answer = result.result(timeout=60)
    assert "event: error" in answer and "stopped before it finished" in answer, answer


def test_a_killed_replica_loses_no_call_started_after_it_and_no_state(tmp_path):
    a4, c5 = tone(tmp_path / "a4.wav", 440.0, 0.5), tone(tmp_path / "c5.wav", 523.25, 0.5)
    singer, calculator = client("transcribe"), client("calculator")
    assert singer.predict(handle_file(a4), api_name="/transcribe") == ("A4", "A4")
    kill_the_last_replica()
    served = Served()
    notes = ["A4"]
    for k in range(6):
        note, name = (c5, "C5") if k % 2 == 0 else (a4, "A4")
        notes.append(name)
        assert singer.predict(handle_file(note), api_name="/transcribe") == (name, " ".join(notes))
        assert calculator.predict(k, "add", 1, api_name="/calculator") == k + 1
    # Whatever nginx tried the dead replica with went on to another one: no request failed.
    since = served.requests("")
    assert since and all(line[-1].startswith(("2", "3")) for line in since), [l for l in since if l[-1][0] not in "23"]
