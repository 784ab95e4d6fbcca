"""The official Python client, unmodified, against Rheo's demos (the release server on
127.0.0.1:3000, started by scripts/test.sh)."""

import os
import time

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from gradio_client.utils import Status
from PIL import Image

ORIGIN = os.environ.get("RHEO_ORIGIN", "http://127.0.0.1:3000")


@pytest.fixture(scope="module")
def calculator():
    return Client(f"{ORIGIN}/calculator/", verbose=False)


def test_view_api_names_the_endpoint_and_its_parameters(calculator):
    api = calculator.view_api(print_info=False, return_format="dict")
    endpoint = api["named_endpoints"]["/calculator"]
    assert [p["parameter_name"] for p in endpoint["parameters"]] == ["num1", "operation", "num2"]
    assert [p["component"] for p in endpoint["parameters"]] == ["Number", "Radio", "Number"]
    assert endpoint["parameters"][1]["type"]["enum"] == ["add", "subtract", "multiply", "divide"]
    assert [r["label"] for r in endpoint["returns"]] == ["output"]
    assert "/calculator" in calculator.view_api(print_info=False, return_format="str")


def test_predict_multiplies(calculator):
    assert calculator.predict(3, "multiply", 4, api_name="/calculator") == 12


def test_predict_by_keyword(calculator):
    assert calculator.predict(num1=3, operation="subtract", num2=4.5, api_name="/calculator") == -1.5


def test_dividing_by_zero_raises_with_our_message(calculator):
    with pytest.raises(AppError, match="Cannot divide by zero."):
        calculator.predict(3, "divide", 0, api_name="/calculator")


def test_an_unknown_choice_fails_validation_with_our_message(calculator):
    with pytest.raises(Exception, match=r'"modulo" is not one of the choices: add, subtract, multiply, divide'):
        calculator.predict(3, "modulo", 4, api_name="/calculator")


def test_submit_returns_a_job(calculator):
    jobs = [calculator.submit(i, "add", 1, api_name="/calculator") for i in range(5)]
    assert [job.result() for job in jobs] == [1, 2, 3, 4, 5]


def test_a_second_demo_with_text_a_slider_and_a_checkbox():
    greet = Client(f"{ORIGIN}/greet/", verbose=False)
    assert greet.predict("Ada", 3, True, api_name="/greet") == "HELLO, ADA!!!"
    with pytest.raises(AppError, match="Please enter a name."):
        greet.predict(" ", 1, False, api_name="/greet")


def test_the_two_step_rest_api_of_the_curl_guide():
    url = f"{ORIGIN}/calculator/gradio_api/call/calculator"
    event_id = httpx.post(url, json={"data": [3, "multiply", 4]}).json()["event_id"]
    assert httpx.get(f"{url}/{event_id}").text == "event: complete\ndata: [12.0]\n\n"

    event_id = httpx.post(url, json={"data": [1, "divide", 0]}).json()["event_id"]
    body = httpx.get(f"{url}/{event_id}").text
    assert body.startswith("event: error\n") and "Cannot divide by zero." in body

    keyword = f"{ORIGIN}/calculator/gradio_api/call/v2/calculator"
    event_id = httpx.post(keyword, json={"num1": 2, "operation": "add", "num2": 2}).json()["event_id"]
    assert httpx.get(f"{url}/{event_id}").text == "event: complete\ndata: [4.0]\n\n"


def test_bad_requests_get_a_4xx_with_a_clear_message():
    url = f"{ORIGIN}/calculator/gradio_api/call/calculator"
    short = httpx.post(url, json={"data": [3, "add"]})
    assert short.status_code == 422
    assert short.json()["detail"][0]["message"] == "expected 3 values (num1, operation, num2), got 2"
    assert httpx.post(url, content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert httpx.post(f"{ORIGIN}/calculator/gradio_api/call/nope", json={"data": []}).status_code == 404
    assert httpx.get(f"{url}/no-such-event").status_code == 404
    assert httpx.get(f"{ORIGIN}/nope/config").status_code == 404


def test_no_path_leads_outside_the_servers_own_files():
    import http.client
    from urllib.parse import urlsplit

    origin = urlsplit(ORIGIN)
    attempts = [
        "/pkg/../../Cargo.toml",
        "/pkg/..%2F..%2FCargo.toml",
        "/pkg/%2e%2e/%2e%2e/Cargo.toml",
        "/..%2F..%2F..%2Fetc%2Fpasswd",
        "/calculator/gradio_api/file=/etc/passwd",
        "/calculator/gradio_api/file=../../Cargo.toml",
    ]
    for path in attempts:
        # http.client sends the path as written (httpx would normalise the dots away).
        connection = http.client.HTTPConnection(origin.hostname, origin.port)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert response.status in (400, 404), f"{path}: {response.status}"
        assert b"[workspace]" not in body and b"root:" not in body, path


def two_tone_png(tmp_path, name="two-tone.png"):
    """A PNG whose top half is white and bottom half black."""
    from PIL import Image

    image = Image.new("RGB", (64, 48), "black")
    image.paste((255, 255, 255), (0, 0, 64, 24))
    path = tmp_path / name
    image.save(path)
    return path


def top_and_bottom(path):
    from PIL import Image

    image = Image.open(path).convert("L")
    return image.getpixel((32, 2)), image.getpixel((32, 45))


@pytest.fixture(scope="module")
def flip():
    return Client(f"{ORIGIN}/flip/", verbose=False)


def test_flip_describes_its_image_parameter(flip):
    endpoint = flip.view_api(print_info=False, return_format="dict")["named_endpoints"]["/predict"]
    assert [(p["parameter_name"], p["component"]) for p in endpoint["parameters"]] == [("webcam", "Image")]
    assert endpoint["parameters"][0]["python_type"]["type"] == "filepath"
    assert [r["component"] for r in endpoint["returns"]] == ["Image"]


def test_flip_returns_the_uploaded_image_upside_down(flip, tmp_path):

    result = flip.predict(handle_file(str(two_tone_png(tmp_path))), api_name="/predict")
    assert top_and_bottom(result) == (0, 255)


def test_an_upload_that_is_not_an_image_raises_with_our_message(flip, tmp_path):

    notes = tmp_path / "notes.png"
    notes.write_text("not pixels")
    with pytest.raises(AppError, match="this is not an image"):
        flip.predict(handle_file(str(notes)), api_name="/predict")



def test_markdown_and_json_outputs_arrive_as_gradio_sends_them():
    word_count = Client(f"{ORIGIN}/word_count/", verbose=False)
    api = word_count.view_api(print_info=False, return_format="dict")
    returns = api["named_endpoints"]["/word_count"]["returns"]
    assert [(r["label"], r["component"]) for r in returns] == [("report", "Markdown"), ("counts", "Json")]
    report, counts = word_count.predict("The cat sat on the mat.\nThe mat", api_name="/word_count")
    assert report.startswith("## 8 words\n\n> The cat sat on the mat.\n")
    assert "| the | 3 |" in report
    assert counts == {
        "characters": 31,
        "words": 8,
        "lines": 2,
        "top": [
            {"word": "the", "count": 3},
            {"word": "mat", "count": 2},
            {"word": "cat", "count": 1},
            {"word": "on", "count": 1},
            {"word": "sat", "count": 1},
        ],
    }


def test_progress_and_the_place_in_line_reach_gradio_client(tmp_path):
    """The classify demo reports its 4 stages; it runs one call at a time, so of three jobs sent at
    once, one waits behind another. (Its warning comes as a `log` message just before the first
    progress one, and `Job.status()` holds only the latest update: @gradio/client's test, which
    sees every message, checks the warning.)"""
    small = tmp_path / "small.png"
    Image.new("RGB", (16, 16), (200, 10, 10)).save(small)
    client = Client(f"{ORIGIN}/classify/", verbose=False)
    jobs = [client.submit(handle_file(str(small)), api_name="/classify") for _ in range(3)]
    seen = [[] for _ in jobs]
    while not all(job.done() for job in jobs):
        for statuses, job in zip(seen, jobs):
            status = job.status()
            if not statuses or statuses[-1] != status:
                statuses.append(status)
        time.sleep(0.005)
    assert all(job.result()["label"] == "red" for job in jobs)
    descriptions = {unit.desc for statuses in seen for s in statuses for unit in (s.progress_data or [])}
    assert {"classifying 1/4", "classifying 2/4"} <= descriptions, descriptions
    # Whichever joined last waited behind the other two (one running, one next in line).
    ranks = {s.rank for statuses in seen for s in statuses if s.code == Status.IN_QUEUE}
    assert ranks == {0, 1}, f"one job next in line, one behind it: {ranks}"
    # The demo has timed its calls now: a job that waits is told when to expect its result
    # (about 0.6 s per call, one at a time: the one behind the running one waits one round).
    jobs = [client.submit(handle_file(str(small)), api_name="/classify") for _ in range(2)]
    etas = set()
    while not all(job.done() for job in jobs):
        etas |= {s.eta for s in [job.status() for job in jobs] if s.code == Status.IN_QUEUE and s.eta is not None}
        time.sleep(0.005)
    assert etas and all(0.3 < eta < 3.0 for eta in etas), etas
