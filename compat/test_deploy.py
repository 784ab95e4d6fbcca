"""The official Python client through a real deployment: Debian's nginx with the documented
configuration in front of the demos under /demos/, with a login (scripts/deploy-test-env.sh,
which scripts/test.sh sources, starts it and exports where it is)."""

import os
import time

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AuthenticationError
from PIL import Image

DEPLOY = os.environ.get("RHEO_DEPLOY_URL")
AUTH = (os.environ.get("RHEO_DEPLOY_USER", ""), os.environ.get("RHEO_DEPLOY_PASSWORD", ""))

pytestmark = pytest.mark.skipif(
    DEPLOY is None and not os.environ.get("CI"),
    reason="needs the deployment of scripts/deploy-test-env.sh (scripts/test.sh starts it)",
)


def client(name):
    return Client(f"{DEPLOY}{name}/", auth=AUTH, verbose=False)


def test_predict_through_nginx_under_a_path_after_logging_in():
    calculator = client("calculator")
    assert calculator.config["root"] == f"{DEPLOY}calculator", "URLs handed out are the proxy's"
    assert calculator.predict(3, "multiply", 4, api_name="/calculator") == 12


def test_without_the_login_nothing_is_shown_or_run():
    with pytest.raises(AuthenticationError):
        Client(f"{DEPLOY}calculator/", verbose=False)
    for method, path in [
        ("POST", "calculator/gradio_api/call/calculator"),
        ("POST", "calculator/run"),
        ("POST", "mirror/gradio_api/upload"),
        ("GET", "calculator/gradio_api/info"),
        ("GET", "flip/gradio_api/file=anything.png"),
    ]:
        response = httpx.request(method, f"{DEPLOY}{path}", json={"data": [1, "add", 2]})
        assert response.status_code == 401, (method, path, response.status_code)


def test_a_generator_through_submit_yields_every_value_in_order():
    job = client("diffusion").submit(4, api_name="/diffuse")
    steps = list(job)
    assert len(steps) == 4 and job.outputs() == steps


def test_an_uploaded_file_goes_through_and_the_result_downloads_through_nginx(tmp_path):
    photo = tmp_path / "photo.png"
    image = Image.new("RGB", (40, 20), "white")
    image.paste((0, 0, 0), (0, 0, 20, 20))  # black left half
    image.save(photo)
    mirrored = client("mirror").predict(handle_file(str(photo)), api_name="/mirror")
    result = Image.open(mirrored).convert("L")
    assert result.getpixel((5, 10)) > 200 and result.getpixel((35, 10)) < 50, "black half now on the right"


def test_the_api_page_hands_out_the_proxys_urls_and_its_python_snippet_runs(tmp_path):
    session = httpx.Client()
    assert session.post(f"{DEPLOY}calculator/login", data={"username": AUTH[0], "password": AUTH[1]}).status_code < 400
    page = session.get(f"{DEPLOY}calculator/api").text
    assert f"Client(&quot;{DEPLOY}calculator/&quot;)" in page
    assert f"{DEPLOY}gradio_api/mcp/" in page, "the MCP endpoint under the path too"
    assert httpx.get(f"{DEPLOY}calculator/api").status_code == 401, "behind the login like the rest"


def test_failed_logins_are_slowed_per_client_address():
    """Last: it locks this machine's address out for a second."""
    with pytest.raises(AuthenticationError):
        Client(f"{DEPLOY}calculator/", auth=(AUTH[0], "wrong password"), verbose=False)
    locked = httpx.post(f"{DEPLOY}calculator/login", data={"username": AUTH[0], "password": AUTH[1]})
    assert locked.status_code == 429, "even the right password waits out the lockout"
    time.sleep(int(locked.headers["retry-after"]))
    assert client("calculator").predict(1, "add", 1, api_name="/calculator") == 2
