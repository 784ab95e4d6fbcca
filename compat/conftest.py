"""Gradio's twins of the demos, shared by the session; and making sure the test process ends
once the results are in.

gradio_client reads each session's event stream in a non-daemon executor thread, which Python
joins at exit; one still blocked on its socket keeps a finished run from ever exiting (seen about
once in 30 runs, after every test had passed; the client's own `Client.__del__` notes that a
reader may still be waiting on the server). A watchdog gives the normal exit a few seconds, then
ends the process with pytest's own status, so a lingering reader cannot stall the test command.
"""

import json
import os
import pathlib
import subprocess
import sys
import threading
import time

import pytest

@pytest.fixture(scope="session")
def gradio_twins(tmp_path_factory):
    """Gradio's versions of the demos (gradio_twins.py), all served by one process until the
    session ends: `{demo: origin}`."""
    folder = tmp_path_factory.mktemp("twins")
    origins, log = folder / "origins.json", folder / "stderr.log"
    env = {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    # Their messages go to a file: a pipe nobody reads would fill and stop them mid-session.
    with log.open("w") as stderr:
        twins = subprocess.Popen([sys.executable, str(pathlib.Path(__file__).resolve().parent / "gradio_twins.py"), str(origins)], env=env,
                                 stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        for _ in range(1200):
            if origins.exists():
                break
            if twins.poll() is not None:
                pytest.fail(f"Gradio's twins ended: {log.read_text()}")
            time.sleep(0.1)
        else:
            pytest.fail("Gradio's twins did not start in 120 s")
        yield json.loads(origins.read_text())
    finally:
        twins.kill()
        twins.wait(timeout=10)


GRACE_SECONDS = 10
_status = {}


def pytest_sessionfinish(session, exitstatus):
    _status["code"] = int(exitstatus)


def pytest_unconfigure(config):
    code = _status.get("code", 1)

    def end_the_process():
        time.sleep(GRACE_SECONDS)
        print(f"compat: a client thread was still waiting {GRACE_SECONDS} s after the tests; exiting with {code}", file=sys.stderr)
        os._exit(code)

    threading.Thread(target=end_the_process, name="compat-exit-watchdog", daemon=True).start()
