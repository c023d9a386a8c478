"""gunicorn serving tests.bench.wsgi over one of the benchmark's databases, the people who
sign in to it, and its workers' memory as /proc tells it."""

import json
import re
import signal
import socket
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import requests

from ap_field.demo import DEMO_PASSWORD as PASSWORD
from tests.bench.database import BIN, ROOT, Database

WORKERS = 2
# Long enough for the slowest export at the largest size under load: a worker killed for
# taking longer would hide how long it takes.
WORKER_TIMEOUT_SECONDS = 600


class Server:
    """gunicorn serving tests.bench.wsgi on a free loopback port."""

    def __init__(self, database: Database, log: Path):
        self.database, self.log = database, log
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        self.log.write_text("")
        env = self.database.env() | {"BENCH_LOG": str(self.log)}
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--bind",
             f"127.0.0.1:{self.port}", "--timeout", str(WORKER_TIMEOUT_SECONDS),
             "tests.bench.wsgi:bench_app()"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(self.url + "/health", timeout=10).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer: " + self.process.stderr.read().decode())

    def __exit__(self, *_exc) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]

    def logged(self, label: str) -> dict:
        """The log line of the last request labelled `label`, waiting for it: a worker writes
        it once the response's last byte has gone."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = [line for line in self.lines() if line["label"] == label]
            if found:
                return found[-1]
            time.sleep(0.05)
        raise RuntimeError(f"no request labelled {label!r} in {self.log}")

    def sign_in(self, email: str) -> requests.Session:
        """A session signed in as `email`, with the second factor where the account asks for
        one: the authenticator is set up at the first sign-in, and kept for the next."""
        session = requests.Session()
        answer = self._post_form(session, "/sign-in", {"email": email, "password": PASSWORD})
        if answer.status_code != 302:
            raise RuntimeError(f"signing in as {email} answered {answer.status_code}")
        step = answer.headers["Location"]
        if step == "/sign-in/set-up-two-factor":
            page = session.get(self.url + step).text
            key = re.search(r'id="authenticator-key">([^<]+)<', page).group(1)
            AUTHENTICATORS[email] = pyotp.TOTP("".join(key.split()))
            self._post_form(session, step, {"code": authenticator_code(email)})
        elif step == "/sign-in/code":
            self._post_form(session, step, {"code": authenticator_code(email)})
        return session

    def _post_form(self, session: requests.Session, path: str, data: dict) -> requests.Response:
        return session.post(
            self.url + path,
            data={"csrf_token": form_token(session, self.url + path), **data},
            allow_redirects=False,
        )


def form_token(session: requests.Session, url: str) -> str:
    """The CSRF token of the form at `url`."""
    form = session.get(url).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)


def cookie_header(session: requests.Session) -> str:
    """The Cookie header a browser signed in as the session's person sends."""
    return "; ".join(f"{name}={value}" for name, value in session.cookies.get_dict().items())


# The authenticator of each account the benchmark set one up for, and the last step it used:
# a code counts once, so a second sign-in in the same 30 seconds waits for the next.
AUTHENTICATORS: dict[str, pyotp.TOTP] = {}
_LAST_STEP: dict[str, int] = {}


def authenticator_code(email: str) -> str:
    totp = AUTHENTICATORS[email]
    while (step := totp.timecode(datetime.now(UTC))) <= _LAST_STEP.get(email, -1):
        time.sleep(1)
    _LAST_STEP[email] = step
    return totp.generate_otp(step)


# Memory


def _status_megabytes(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def resident_megabytes(pid: int) -> float:
    return _status_megabytes(pid, "VmRSS")


def peak_megabytes(pid: int) -> float:
    """The most the process has held resident since it started or since `reset_peak`."""
    return _status_megabytes(pid, "VmHWM")


def reset_peak(pid: int) -> None:
    """Start the process's peak resident memory again from what it holds now."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")
