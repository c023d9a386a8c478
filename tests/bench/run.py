"""`make bench`: ap-field measured against the budgets in docs/architecture.md ("Budgets"), on
SQLite and, when it answers, PostgreSQL.

For each database it builds the programme twice with `flask demo scale` (100 and 1,000
pupils), serves each with gunicorn on loopback, and measures:
- queries per page at both sizes (the budget: equal);
- server time, p50 and p95, of the heaviest pages under load from a second process, and
  the ratio of each page's p50 to two minimal Flask routes' served by the same server: one
  that answers "ok" to anyone, and one that a signed-in person gets with the layout around
  "ok". The budget holds pages to the second, the least any page of the app can cost (the
  session, the person and the layout), requested in turn with each page so that both are
  timed under the same load; exports are files whose size is the data asked for, so their
  times are shown beside the pages and held to no ratio. Each page's first
  request after the server starts is shown too (it pays for what later requests reuse,
  such as the programme's figures that are kept for a few minutes);
- bytes per page in Chromium (HTML, CSS and JS as transferred, and a repeat visit's static
  bytes once the service worker controls the page);
- the outbox: 500 queued session notes replayed, each sent again after its first answer
  with the same Idempotency-Key, and the notes counted afterwards;
- a 12-megapixel camera JPEG through the photo upload;
- the resident memory of one app worker after the load.

It prints one table, writes bench-results.json and exits 1 naming each budget exceeded.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyotp
import requests
import sqlalchemy as sa

from ap_field.demo import DEMO_PASSWORD as PASSWORD
from tests.bench.browser import measure_pages
from tests.bench.photo import camera_jpeg
from tests.bench.wsgi import MINIMAL_PAGE_PATH, MINIMAL_PATH

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SMALL, LARGE = (int(n) for n in os.environ.get("BENCH_SIZES", "100,1000").split(","))
WORKERS = 2
LOAD_THREADS = 4
LOAD_SECONDS = 3.0
OUTBOX_OPERATIONS = 500
OUTBOX_PHONES = 4

# docs/architecture.md, "Budgets".
HTML_BUDGET = 14 * 1024
CSS_BUDGET = 25 * 1024
JS_BUDGET = 35 * 1024
SERVER_TIME_RATIO = 3.0


@dataclass(frozen=True)
class Page:
    label: str
    role: str
    path: str
    export: bool = False


def pages(ids: dict) -> list[Page]:
    """The heaviest pages, each as the person who uses it sees it."""
    day = ids["last_school_day"]
    month_ago = (date.fromisoformat(day) - timedelta(days=28)).isoformat()
    export = "/exports?format={1}&export={0}"
    return [
        Page("Today (teacher)", "teacher", "/today"),
        Page("Caseload (teacher)", "teacher", "/caseload"),
        Page("Pupil page with chronology", "teacher", f"/pupils/{ids['pupil']}"),
        Page("Register (teacher)", "teacher", f"/register?date={day}&session=am"),
        Page("Programme dashboard (lead)", "lead", "/programme"),
        Page("Attendance overview (lead)", "lead", "/attendance"),
        Page("Pupil list, filtered (lead)", "lead", "/pupils?status=active&show=under-25-hours"),
        Page("Pupil list, search (lead)", "lead", "/pupils?q=Clarke"),
        Page("Site checks (assessor)", "assessor", "/site-checks"),
        Page("Site check report (assessor)", "assessor", f"/site-checks/{ids['check']}/report"),
        Page("Export: tracking sheet CSV", "lead", export.format("tracking-sheet", "csv"), True),
        Page("Export: tracking sheet XLSX", "lead", export.format("tracking-sheet", "xlsx"), True),
        Page("Export: central record CSV", "lead", export.format("central-record", "csv"), True),
        Page(
            "Export: register CSV (4 weeks)",
            "lead",
            export.format("register", "csv") + f"&first={month_ago}&last={day}",
            True,
        ),
        Page("Export: providers CSV", "lead", export.format("providers", "csv"), True),
    ]


MINIMAL_PAGE_LABEL = "minimal signed-in page"
ACCOUNTS = {
    "teacher": "teacher1@example.org",
    "lead": "lead@example.org",
    "assessor": "assessor@example.org",
}


# Databases


@dataclass
class Database:
    kind: str
    size: int
    url: str | None  # None: SQLite in the instance folder
    instance: Path

    def env(self) -> dict:
        env = os.environ.copy()
        env.update(
            AP_FIELD_INSTANCE=str(self.instance),
            AP_FIELD_ENV="development",
            FLASK_APP="app.py",
            PYTHONPATH=str(ROOT),
            SECRET_KEY="bench-" + "k" * 32,
        )
        env.pop("DATABASE_URL", None)
        if self.url:
            env["DATABASE_URL"] = self.url
        return env

    def engine(self) -> sa.Engine:
        url = self.url or f"sqlite:///{self.instance / 'ap_field.sqlite3'}"
        return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def postgres_reachable(base_url: str) -> bool:
    try:
        engine = sa.create_engine(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def fresh_postgres(base_url: str, name: str) -> str:
    """The database `name` on the server of `base_url`, made if missing, its schema emptied."""
    admin = sa.create_engine(
        base_url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = base_url.rsplit("/", 1)[0] + "/" + name
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def build(database: Database) -> tuple[float, list[str]]:
    """Migrate and fill the database; returns the seconds `flask demo scale` took and what
    it said of each stage."""
    database.instance.mkdir(parents=True, exist_ok=True)
    flask = [str(BIN / "flask")]
    subprocess.run([*flask, "db", "upgrade"], env=database.env(), cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    started = time.perf_counter()
    made = subprocess.run(
        [*flask, "demo", "scale", "--pupils", str(database.size), "--force"],
        env=database.env(),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, made.stdout.splitlines()


def known_ids(database: Database) -> dict:
    engine = database.engine()
    with engine.connect() as connection:
        ids = {
            "pupil": connection.scalar(
                sa.text(
                    "SELECT a.pupil_id FROM caseload_assignments a JOIN users u"
                    " ON u.id = a.teacher_id WHERE u.email = 'teacher1@example.org'"
                    " AND a.ended_on IS NULL ORDER BY a.slot LIMIT 1"
                )
            ),
            "teacher_pupils": list(
                connection.scalars(
                    sa.text(
                        "SELECT a.pupil_id FROM caseload_assignments a JOIN users u"
                        " ON u.id = a.teacher_id WHERE u.email = 'teacher1@example.org'"
                        " AND a.ended_on IS NULL ORDER BY a.slot"
                    )
                )
            ),
            "check": connection.scalar(sa.text("SELECT min(id) FROM site_checks")),
            "last_school_day": str(
                connection.scalar(sa.text("SELECT max(date) FROM attendance_marks"))
            ),
        }
    engine.dispose()
    return ids


# The server


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
             f"127.0.0.1:{self.port}", "--timeout", "120", "tests.bench.wsgi:bench_app()"],
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
        form = session.get(self.url + path).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        return session.post(
            self.url + path, data={"csrf_token": token, **data}, allow_redirects=False
        )


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


def resident_megabytes(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# Measurements


def count_queries(server: Server, sessions: dict, page_list: list[Page]) -> dict[str, dict]:
    """Each page requested twice: the second request's statements count (the first warms
    the worker's caches), and the first request's time is kept as the first visit's."""
    counts = {}
    for page in page_list:
        for attempt in ("warm", "count"):
            label = f"queries|{page.label}|{attempt}"
            response = sessions[page.role].get(
                server.url + page.path, headers={"X-Bench-Label": label}
            )
            if response.status_code != 200:
                raise RuntimeError(f"{page.label} answered {response.status_code}")
    time.sleep(0.2)
    for line in server.lines():
        if line["label"].startswith("queries|"):
            _, label, attempt = line["label"].split("|")
            figures = counts.setdefault(label, {})
            if attempt == "count":
                figures["queries"] = line["queries"]
            else:
                figures["first_ms"] = round(line["ms"], 1)
    return counts


def load(server: Server, sessions: dict, page_list: list[Page]) -> dict[str, dict]:
    """Each page under load from a second process, taken in turn with the minimal signed-in
    page, so that each page's ratio to it is measured under the same load; the minimal route
    before and after them all."""
    minimal = {"label": "minimal", "url": server.url + MINIMAL_PATH, "cookies": {}}

    def minimal_page(label: str) -> dict:
        return {
            "label": label,
            "url": server.url + MINIMAL_PAGE_PATH,
            "cookies": sessions["lead"].cookies.get_dict(),
        }

    targets = [{"requests": [minimal]}, {"requests": [minimal_page(MINIMAL_PAGE_LABEL)]}]
    for page in page_list:
        asked = {
            "label": page.label,
            "url": server.url + page.path,
            "cookies": sessions[page.role].cookies.get_dict(),
        }
        targets.append({"requests": [asked, minimal_page(_beside(page.label))]})
    targets.append({"requests": [minimal]})
    for target in targets:
        target |= {"seconds": LOAD_SECONDS, "least": 10, "most": 800}
    spec = json.dumps({"threads": LOAD_THREADS, "targets": targets})
    answer = subprocess.run(
        [sys.executable, "-m", "tests.bench.load"],
        input=spec, capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    statuses = {}
    for result in json.loads(answer.stdout):
        statuses.setdefault(result["label"], {}).update(result["statuses"])
    time.sleep(0.2)
    times: dict[str, list[float]] = {}
    for line in server.lines():
        if line["label"] in statuses:
            times.setdefault(line["label"], []).append(line["ms"])
    minimal_p50 = statistics.median(times["minimal"])
    figures = {}
    for label, values in times.items():
        if label.startswith(_beside("")):
            continue
        p50 = statistics.median(values)
        beside = times.get(_beside(label), times[MINIMAL_PAGE_LABEL])
        figures[label] = {
            "requests": len(values),
            "statuses": statuses[label],
            "p50_ms": round(p50, 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "ratio": round(p50 / minimal_p50, 1),
            "minimal_page_p50_ms": round(statistics.median(beside), 2),
            "ratio_to_minimal_page": round(p50 / statistics.median(beside), 1),
        }
    return figures


def _beside(label: str) -> str:
    return f"{MINIMAL_PAGE_LABEL} beside {label}"


def browser_bytes(server: Server, sessions: dict, page_list: list[Page]) -> dict:
    def static_since(moment: float) -> tuple[int, int]:
        time.sleep(0.2)
        sent = [
            line
            for line in server.lines()
            if line["arrived"] >= moment
            and (line["path"].startswith("/static/") or line["path"] == "/manifest.webmanifest")
        ]
        return len(sent), sum(line["bytes"] for line in sent)

    specs = [
        {"label": page.label, "path": page.path, "cookies": sessions[page.role].cookies.get_dict()}
        for page in page_list
        if not page.export
    ]
    return measure_pages(server.url, specs, static_since)


def csrf_token(server: Server, session: requests.Session) -> str:
    """A fresh token, as the outbox asks for one before it sends."""
    return session.get(server.url + "/sync/token").json()["csrf_token"]


def outbox(server: Server, database: Database, session: requests.Session, ids: dict) -> dict:
    """500 session notes queued offline and replayed as the outbox does, each sent a second
    time after its first answer with the same Idempotency-Key."""
    pupils = ids["teacher_pupils"]
    token = csrf_token(server, session)
    today = date.fromisoformat(ids["last_school_day"])
    operations = []
    for number in range(OUTBOX_OPERATIONS):
        fields = {
            "csrf_token": token,
            "client_uuid": str(uuid.uuid4()),
            "held_on": (today - timedelta(days=number % 300)).isoformat(),
            "starts_at": "09:30",
            "ends_at": "11:00",
            "mode": "face_to_face",
            "focus": "maths",
            "place": "Library",
            "planned_minutes": "90",
            "engagement": "4",
            "progress": f"Outbox note {number}",
            "wellbeing": "Calm",
            "next_steps": "Fractions",
        }
        operations.append((pupils[number % len(pupils)], str(uuid.uuid4()), fields))
    engine = database.engine()
    with engine.connect() as connection:
        before = connection.scalar(sa.text("SELECT count(*) FROM session_notes"))
    statuses: dict[str, int] = {}
    cookies = session.cookies.get_dict()

    def replay(batch) -> None:
        with requests.Session() as phone:
            phone.cookies.update(cookies)
            for pupil, key, fields in batch:
                for attempt in ("first", "again"):
                    answer = phone.post(
                        f"{server.url}/pupils/{pupil}/notes/new",
                        files={name: (None, value) for name, value in fields.items()},
                        headers={"Idempotency-Key": key, "X-CSRFToken": token,
                                 "X-Outbox": "replay", "X-Bench-Label": "outbox"},
                        allow_redirects=False,
                    )  # fmt: skip
                    name = f"{attempt} {answer.status_code}"
                    statuses[name] = statuses.get(name, 0) + 1

    started = time.perf_counter()
    phones = [
        threading.Thread(target=replay, args=(operations[n::OUTBOX_PHONES],))
        for n in range(OUTBOX_PHONES)
    ]
    for phone in phones:
        phone.start()
    for phone in phones:
        phone.join()
    seconds = time.perf_counter() - started
    with engine.connect() as connection:
        after = connection.scalar(sa.text("SELECT count(*) FROM session_notes"))
        texts = connection.execute(
            sa.text(
                "SELECT progress, count(*) FROM session_notes WHERE progress LIKE 'Outbox note %'"
                " GROUP BY progress"
            )
        ).all()
    engine.dispose()
    made = after - before
    return {
        "operations": OUTBOX_OPERATIONS,
        "requests": 2 * OUTBOX_OPERATIONS,
        "seconds": round(seconds, 2),
        "ms_per_request": round(1000 * seconds / (2 * OUTBOX_OPERATIONS) * OUTBOX_PHONES, 1),
        "records_made": made,
        "duplicates": sum(count - 1 for _, count in texts if count > 1),
        "missing": OUTBOX_OPERATIONS - len(texts),
        "statuses": statuses,
    }


def photo_upload(server: Server, session: requests.Session, database: Database) -> dict:
    """A draft site check, then a 12-megapixel camera JPEG added to its first item."""
    engine = database.engine()
    with engine.connect() as connection:
        site = connection.scalar(sa.text("SELECT min(id) FROM provider_sites"))
        template = connection.scalar(sa.text("SELECT min(id) FROM check_templates"))
    page = session.get(server.url + "/site-checks/new").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    started = session.post(
        server.url + "/site-checks/new",
        data={"csrf_token": token, "client_uuid": str(uuid.uuid4()), "site_id": site,
              "template_id": template, "higher_risk": "none"},
        allow_redirects=False,
    )  # fmt: skip
    check = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    with engine.connect() as connection:
        item = connection.scalar(
            sa.text(
                "SELECT i.id FROM check_items i JOIN check_sections s ON s.id = i.section_id"
                " WHERE s.template_id = :template AND NOT s.higher_risk_only"
                " ORDER BY s.position, i.position LIMIT 1"
            ),
            {"template": template},
        )
    jpeg = camera_jpeg()
    began = time.perf_counter()
    answer = session.post(
        f"{server.url}/site-checks/{check}/items/{item}/photos",
        data={"csrf_token": token, "photo_uuid": str(uuid.uuid4()), "caption": "Fire door"},
        files={"photo": ("IMG_0001.jpg", jpeg, "image/jpeg")},
        headers={"X-Bench-Label": "photo"},
        allow_redirects=False,
    )
    seconds = time.perf_counter() - began
    time.sleep(0.2)
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT width, height, byte_size FROM photos ORDER BY id DESC LIMIT 1")
        ).one()
    engine.dispose()
    server_ms = next(
        (line["ms"] for line in reversed(server.lines()) if line["label"] == "photo"), None
    )
    return {
        "status": answer.status_code,
        "upload_bytes": len(jpeg),
        "seconds": round(seconds, 2),
        "server_ms": round(server_ms, 1) if server_ms else None,
        "stored_width": stored.width,
        "stored_height": stored.height,
        "stored_bytes": stored.byte_size,
    }


# One database, both sizes


def phase(kind: str, text: str) -> None:
    print(f"[{kind}] {time.strftime('%H:%M:%S')} {text}", flush=True)


def measure(kind: str, work: Path, pg_base: str | None) -> dict:
    result: dict = {"build_seconds": {}}
    queries: dict[int, dict] = {}
    for size, name in ((SMALL, "bench_small"), (LARGE, "bench_large")):
        url = fresh_postgres(pg_base, name) if kind == "postgresql" else None
        database = Database(kind, size, url, work / f"{kind}-{size}")
        phase(kind, f"building {size:,} pupils")
        seconds, said = build(database)
        result["build_seconds"][size] = round(seconds, 1)
        result.setdefault("build_stages", {})[size] = said
        ids = known_ids(database)
        with Server(database, work / f"{kind}-{size}.log") as server:
            sessions = {role: server.sign_in(email) for role, email in ACCOUNTS.items()}
            page_list = pages(ids)
            result["exports"] = [page.label for page in page_list if page.export]
            phase(kind, f"counting queries at {size:,}")
            queries[size] = count_queries(server, sessions, page_list)
            if size != LARGE:
                continue
            phase(kind, "load")
            result["server_time"] = load(server, sessions, page_list)
            result["worker_memory_mb"] = round(
                max(resident_megabytes(pid) for pid in server.worker_pids()), 1
            )
            phase(kind, "bytes in Chromium")
            result["bytes"] = browser_bytes(server, sessions, page_list)
            phase(kind, "outbox")
            result["outbox"] = outbox(server, database, sessions["teacher"], ids)
            phase(kind, "photo")
            result["photo"] = photo_upload(server, sessions["assessor"], database)
    result["queries"] = {
        label: {"small": queries[SMALL][label]["queries"], "large": figures["queries"]}
        for label, figures in queries[LARGE].items()
    }
    result["first_visit_ms"] = {
        label: figures["first_ms"] for label, figures in queries[LARGE].items()
    }
    return result


# Budgets and the table


def exceeded(kind: str, result: dict) -> list[str]:
    found = []
    for label, counts in result["queries"].items():
        if counts["small"] != counts["large"]:
            found.append(
                f"{kind}: query count grows with pupils: {label} "
                f"({counts['small']} at {SMALL}, {counts['large']} at {LARGE})"
            )
    for label, figures in result["server_time"].items():
        if label in ("minimal", MINIMAL_PAGE_LABEL, *result["exports"]):
            continue
        if figures["ratio_to_minimal_page"] > SERVER_TIME_RATIO:
            found.append(
                f"{kind}: server time within {SERVER_TIME_RATIO:g}x a minimal route: {label} "
                f"is {figures['ratio_to_minimal_page']}x the {MINIMAL_PAGE_LABEL}"
            )
    for label, figures in result["bytes"].items():
        for key, budget, name in (
            ("html_bytes", HTML_BUDGET, "first HTML response 14 KB"),
            ("css_bytes", CSS_BUDGET, "CSS 25 KB"),
            ("js_bytes", JS_BUDGET, "JS 35 KB"),
        ):
            if figures[key] > budget:
                found.append(f"{kind}: {name}: {label} is {figures[key] / 1024:.1f} KB")
        if figures["repeat_static_bytes"] or figures["repeat_server_static_requests"]:
            found.append(
                f"{kind}: a repeat visit fetches no static file: {label} fetched "
                f"{figures['repeat_static_bytes']} bytes "
                f"({figures['repeat_server_static_requests']} files at the server)"
            )
    if result["outbox"]["duplicates"] or result["outbox"]["missing"]:
        found.append(
            f"{kind}: outbox replays make no duplicates: {result['outbox']['duplicates']} "
            f"duplicates, {result['outbox']['missing']} missing"
        )
    return found


def _kb(sizes: dict, key: str) -> str:
    return f"{sizes[key] / 1024:.1f}" if key in sizes else ""


def table(kind: str, result: dict) -> str:
    header = (
        f"{'page':36} {'p50 ms':>8} {'p95 ms':>8} {'x route':>7} {'x page':>6} {'1st ms':>7} "
        f"{'q@100':>6} {'q@1000':>7} "
        f"{'HTML KB':>8} {'CSS KB':>7} {'JS KB':>6} {'repeat B':>9}"
    )
    lines = [f"== {kind} ==", header, "-" * len(header)]
    times, byte_figures = result["server_time"], result["bytes"]
    labels = ["minimal", MINIMAL_PAGE_LABEL, *result["queries"]]
    for label in labels:
        figures = times.get(label, {})
        counts = result["queries"].get(label, {})
        sizes = byte_figures.get(label) or {}
        lines.append(
            f"{label[:36]:36} {figures.get('p50_ms', ''):>8} {figures.get('p95_ms', ''):>8} "
            f"{figures.get('ratio', ''):>7} {figures.get('ratio_to_minimal_page', ''):>6} "
            f"{result['first_visit_ms'].get(label, ''):>7} {counts.get('small', ''):>6} "
            f"{counts.get('large', ''):>7} {_kb(sizes, 'html_bytes'):>8} "
            f"{_kb(sizes, 'css_bytes'):>7} {_kb(sizes, 'js_bytes'):>6} "
            f"{sizes.get('repeat_static_bytes', ''):>9}"
        )
    box, photo = result["outbox"], result["photo"]
    lines += [
        "",
        f"build: {result['build_seconds'][SMALL]} s for {SMALL:,} pupils, "
        f"{result['build_seconds'][LARGE]} s for {LARGE:,} ("
        + "; ".join(line for line in result["build_stages"][LARGE] if line.endswith(" s"))
        + ")",
        f"outbox: {box['operations']} operations ({box['requests']} requests) in "
        f"{box['seconds']} s, {box['records_made']} notes made, {box['duplicates']} duplicates, "
        f"{box['missing']} missing; answers {box['statuses']}",
        f"photo: {photo['upload_bytes'] / 1e6:.1f} MB camera JPEG answered {photo['status']} in "
        f"{photo['seconds']} s (server {photo['server_ms']} ms), stored "
        f"{photo['stored_width']}x{photo['stored_height']}, {photo['stored_bytes'] / 1024:.0f} KB",
        f"memory: {result['worker_memory_mb']} MB resident in one app worker after the load",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1/postgres"))  # fmt: skip
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--output", default=str(ROOT / "bench-results.json"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ap-field-bench-"))
    results: dict = {"budgets_exceeded": []}
    try:
        kinds = [args.only] if args.only else ["sqlite", "postgresql"]
        for kind in kinds:
            if kind == "postgresql" and not postgres_reachable(args.postgres):
                print(f"[postgresql] not reachable at {args.postgres}: skipped", flush=True)
                continue
            results[kind] = measure(kind, work, args.postgres)
            results["budgets_exceeded"] += exceeded(kind, results[kind])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for kind in ("sqlite", "postgresql"):
        if kind in results:
            print("\n" + table(kind, results[kind]))
    Path(args.output).write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nFigures written to {args.output}")
    if results["budgets_exceeded"]:
        print("\nBudgets exceeded (docs/architecture.md, Budgets):")
        for line in results["budgets_exceeded"]:
            print(f"- {line}")
        return 1
    print("\nEvery budget met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
