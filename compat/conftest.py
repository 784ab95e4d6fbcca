"""Makes sure the test process ends once the results are in.

gradio_client reads each session's event stream in a non-daemon executor thread, which Python
joins at exit; one still blocked on its socket keeps a finished run from ever exiting (seen about
once in 30 runs, after every test had passed; the client's own `Client.__del__` notes that a
reader may still be waiting on the server). A watchdog gives the normal exit a few seconds, then
ends the process with pytest's own status, so a lingering reader cannot stall the test command.
"""

import os
import sys
import threading
import time

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
