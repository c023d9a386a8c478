"""`make bench`: ap-field measured against the budgets in docs/architecture.md ("Budgets"), on
SQLite and, when it answers, PostgreSQL.

For each database it builds the programme at each size with `flask demo scale` (100, 1,000
and 10,000 pupils; BENCH_SIZES=100,1000 chooses others), timing the build, serves each with
gunicorn on loopback, and measures at every size:
- queries per page (the budget: the same at every size);
- server time, p50 and p95, of the heaviest pages under load from a second process, and
  the ratio of each page's p50 to two minimal Flask routes' served by the same server: one
  that answers "ok" to anyone (the minimal route), and one that a signed-in person gets with
  the layout around "ok" (the minimal signed-in page). The budgets hold each page to 3x the
  second, the least any page of the app can cost (the session, the person and the layout),
  requested in turn with each page so that both are timed under the same load, and the
  second to 3x the first, the two requested in turn before and after the pages. Exports are
  files whose size is the data asked for, so their times are shown beside the pages and held
  to no ratio. Each page's first request after the server starts is shown too (it pays for
  what later requests reuse, such as the programme's figures that are kept for a few
  minutes);
- the resident memory of one app worker after the load (the budget: 200 MB);
- each export again, alone: its time and the peak resident memory of the worker that
  served it (reset through /proc/PID/clear_refs before the request, read from VmHWM after);
- bytes per page in Chromium (HTML, CSS and JS as transferred, and a repeat visit's static
  bytes once the service worker controls the page).

At the largest size it also measures:
- a 12-megapixel camera JPEG through the photo upload;
- Lighthouse's performance and accessibility scores (tests/bench/lighthouse.py) of Today and
  the register for a teacher, a site check's item for the assessor and a parent's page
  (the budget: 95 each);
- the outbox: 500 queued session notes replayed, each sent again after its first answer
  with the same Idempotency-Key, and the notes counted afterwards (the budget: each made
  once);
- on PostgreSQL, two app servers over the one database, each with an instance folder of
  its own: the photo taken through the first fetched through the second (the budget: the
  same bytes), and the outbox replayed with each note's second send to the other server
  than its first (the budget: each made once).

It prints a table per database and size, writes bench-results.json and exits 1 naming each
budget exceeded.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from tests.bench.browser import measure_pages
from tests.bench.database import (
    ROOT,
    Database,
    build,
    fresh_postgres,
    known_ids,
    postgres_reachable,
)
from tests.bench.lighthouse import lighthouse_scores
from tests.bench.server import (
    Server,
    cookie_header,
    peak_megabytes,
    reset_peak,
    resident_megabytes,
)
from tests.bench.writes import outbox, photo_across, photo_upload
from tests.bench.wsgi import MINIMAL_PAGE_PATH, MINIMAL_PATH

SIZES = tuple(int(n) for n in os.environ.get("BENCH_SIZES", "100,1000,10000").split(","))
LARGEST = max(SIZES)
LOAD_THREADS = 4
LOAD_SECONDS = 3.0

# docs/architecture.md, "Budgets".
HTML_BUDGET = 14 * 1024
CSS_BUDGET = 25 * 1024
JS_BUDGET = 35 * 1024
SERVER_TIME_RATIO = 3.0
WORKER_MEMORY_MB = 200
LIGHTHOUSE_SCORE = 95


@dataclass(frozen=True)
class Page:
    label: str
    role: str
    path: str
    export: bool = False


TODAY = "Today (teacher)"
REGISTER = "Register (teacher)"
SITE_CHECK_ITEM = "Site check item (assessor)"
PARENT_PAGE = "My child (parent)"


def pages(ids: dict) -> list[Page]:
    """The heaviest pages, each as the person who uses it sees it."""
    day = ids["last_school_day"]
    month_ago = (date.fromisoformat(day) - timedelta(days=28)).isoformat()
    export = "/exports?format={1}&export={0}"
    return [
        Page(TODAY, "teacher", "/today"),
        Page("Caseload (teacher)", "teacher", "/caseload"),
        Page("Pupil page with chronology", "teacher", f"/pupils/{ids['pupil']}"),
        Page(REGISTER, "teacher", f"/register?date={day}&session=am"),
        Page("Programme dashboard (lead)", "lead", "/programme"),
        Page("Attendance overview (lead)", "lead", "/attendance"),
        Page("Pupil list, filtered (lead)", "lead", "/pupils?status=active&show=under-25-hours"),
        Page("Pupil list, search (lead)", "lead", "/pupils?q=Clarke"),
        Page("Site checks (assessor)", "assessor", "/site-checks"),
        Page("Site check report (assessor)", "assessor", f"/site-checks/{ids['check']}/report"),
        Page(PARENT_PAGE, "parent", "/my-child"),
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


MINIMAL_LABEL = "minimal route"
MINIMAL_PAGE_LABEL = "minimal signed-in page"
ACCOUNTS = {
    "teacher": "teacher1@example.org",
    "lead": "lead@example.org",
    "assessor": "assessor@example.org",
    "parent": "parent1@example.org",
}


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
    and the minimal signed-in page taken in turn before and after them all."""

    def asked(label: str, path: str, role: str | None) -> dict:
        cookies = sessions[role].cookies.get_dict() if role else {}
        return {"label": label, "url": server.url + path, "cookies": cookies}

    def floor() -> dict:
        return {"requests": [asked(MINIMAL_LABEL, MINIMAL_PATH, None),
                             asked(MINIMAL_PAGE_LABEL, MINIMAL_PAGE_PATH, "lead")]}  # fmt: skip

    targets = [floor()]
    for page in page_list:
        targets.append(
            {"requests": [asked(page.label, page.path, page.role),
                          asked(_beside(page.label), MINIMAL_PAGE_PATH, "lead")]}
        )  # fmt: skip
    targets.append(floor())
    for target in targets:
        target |= {"seconds": LOAD_SECONDS, "least": 10, "most": 800}
    spec = json.dumps({"threads": LOAD_THREADS, "targets": targets})
    answer = subprocess.run(
        [sys.executable, "-m", "tests.bench.load"],
        input=spec, capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    statuses: dict[str, dict] = {}
    for result in json.loads(answer.stdout):
        counted = statuses.setdefault(result["label"], {})
        for status, number in result["statuses"].items():
            counted[status] = counted.get(status, 0) + number
    time.sleep(0.2)
    times: dict[str, list[float]] = {}
    for line in server.lines():
        if line["label"] in statuses:
            times.setdefault(line["label"], []).append(line["ms"])
    return _server_times(times, statuses)


def _server_times(times: dict[str, list[float]], statuses: dict[str, dict]) -> dict[str, dict]:
    minimal_p50 = statistics.median(times[MINIMAL_LABEL])
    figures = {}
    for label, values in times.items():
        if label.startswith(_beside("")):
            continue
        p50 = statistics.median(values)
        beside = statistics.median(times.get(_beside(label), times[MINIMAL_PAGE_LABEL]))
        figures[label] = {
            "requests": len(values),
            "statuses": statuses[label],
            "p50_ms": round(p50, 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "ratio": round(p50 / minimal_p50, 1),
            "minimal_page_p50_ms": round(beside, 2),
            "ratio_to_minimal_page": round(p50 / beside, 1),
        }
    return figures


def _beside(label: str) -> str:
    return f"{MINIMAL_PAGE_LABEL} beside {label}"


def exports_alone(server: Server, sessions: dict, page_list: list[Page]) -> dict[str, dict]:
    """Each export requested with nothing else in flight: its time, the bytes sent, and the
    peak resident memory of the worker that served it beside what it held before."""
    figures = {}
    for page in (page for page in page_list if page.export):
        workers = server.worker_pids()
        before = {pid: resident_megabytes(pid) for pid in workers}
        for pid in workers:
            reset_peak(pid)
        label = f"alone|{page.label}"
        started = time.perf_counter()
        answer = sessions[page.role].get(server.url + page.path, headers={"X-Bench-Label": label})
        seconds = time.perf_counter() - started
        line = server.logged(label)
        figures[page.label] = {
            "status": answer.status_code,
            "seconds": round(seconds, 2),
            "server_ms": round(line["ms"], 1),
            "sent_bytes": line["bytes"],
            "resident_before_mb": round(before[line["pid"]], 1),
            "peak_mb": round(peak_megabytes(line["pid"]), 1),
        }
    return figures


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


LIGHTHOUSE_ERRORS = (RuntimeError, OSError, subprocess.SubprocessError)


def lighthouse(server: Server, sessions: dict, page_list: list[Page], photo: dict) -> dict:
    """Lighthouse's scores of the pages used most on a phone, each as the person who uses it
    (the site check's item is the draft that the photo went into), and what went wrong with
    each page Lighthouse could not measure."""
    by_label = {page.label: page for page in page_list}
    item = f"/site-checks/{photo['check_id']}/items/{photo['item_id']}"
    asked = [by_label[TODAY], by_label[REGISTER], Page(SITE_CHECK_ITEM, "assessor", item),
             by_label[PARENT_PAGE]]  # fmt: skip
    result: dict = {"scores": {}, "errors": {}}
    for page in asked:
        measured = [(page.label, cookie_header(sessions[page.role]), page.path)]
        try:
            result["scores"] |= _twice(server.url, measured)
        except LIGHTHOUSE_ERRORS as error:
            result["errors"][page.label] = str(error)
    return result


def _twice(base_url: str, measured: list[tuple[str, str, str]]) -> dict:
    """Lighthouse asks to be run again when its trace of a page load fails."""
    try:
        return lighthouse_scores(base_url, measured)
    except LIGHTHOUSE_ERRORS:
        return lighthouse_scores(base_url, measured)


def two_servers(
    work: Path, database: Database, server: Server, sessions: dict, ids: dict, photo_id: int
) -> dict:
    """A second app server over the same database with an instance folder of its own, so
    that nothing reaches it through the disk: the photo taken through the first fetched
    through it, and the outbox replayed alternating between the two."""
    second = replace(database, instance=work / f"{database.kind}-{database.size}-second")
    with Server(second, work / f"{database.kind}-{database.size}-second.log") as other:
        servers = [server, other]
        return {
            "photo": photo_across(servers, sessions["assessor"], photo_id),
            "outbox": outbox(servers, database, sessions["teacher"], ids, "Outbox across"),
        }


# One database, each size


def phase(kind: str, size: int, text: str) -> None:
    print(f"[{kind} {size:,}] {time.strftime('%H:%M:%S')} {text}", flush=True)


def measure(kind: str, work: Path, pg_base: str) -> dict[int, dict]:
    return {size: measure_size(kind, size, work, pg_base) for size in SIZES}


def measure_size(kind: str, size: int, work: Path, pg_base: str) -> dict:
    url = fresh_postgres(pg_base, f"bench_{size}") if kind == "postgresql" else None
    database = Database(kind, size, url, work / f"{kind}-{size}")
    phase(kind, size, "building")
    seconds, said = build(database)
    result = {"build_seconds": round(seconds, 1), "build_stages": said}
    ids = known_ids(database)
    page_list = pages(ids)
    result["exports"] = [page.label for page in page_list if page.export]
    with Server(database, work / f"{kind}-{size}.log") as server:
        sessions = {role: server.sign_in(email) for role, email in ACCOUNTS.items()}
        result |= measure_reads(kind, size, server, sessions, page_list)
        if size == LARGEST:
            result |= measure_writes(work, database, server, sessions, ids, page_list)
    return result


def measure_reads(kind: str, size: int, server: Server, sessions: dict, page_list: list) -> dict:
    phase(kind, size, "counting queries")
    counted = count_queries(server, sessions, page_list)
    phase(kind, size, "load")
    result = {
        "queries": {label: figures["queries"] for label, figures in counted.items()},
        "first_visit_ms": {label: figures["first_ms"] for label, figures in counted.items()},
        "server_time": load(server, sessions, page_list),
        "worker_memory_mb": round(max(map(resident_megabytes, server.worker_pids())), 1),
    }
    phase(kind, size, "exports alone")
    result["exports_alone"] = exports_alone(server, sessions, page_list)
    phase(kind, size, "bytes in Chromium")
    result["bytes"] = browser_bytes(server, sessions, page_list)
    return result


def measure_writes(
    work: Path, database: Database, server: Server, sessions: dict, ids: dict, page_list: list
) -> dict:
    kind, size = database.kind, database.size
    phase(kind, size, "photo")
    result = {"photo": photo_upload(server, sessions["assessor"], database)}
    phase(kind, size, "Lighthouse")
    result["lighthouse"] = lighthouse(server, sessions, page_list, result["photo"])
    phase(kind, size, "outbox")
    result["outbox"] = outbox([server], database, sessions["teacher"], ids, "Outbox note")
    if kind == "postgresql":
        phase(kind, size, "two app servers")
        result["two_servers"] = two_servers(
            work, database, server, sessions, ids, result["photo"]["photo_id"]
        )
    return result


# Budgets


def exceeded(kind: str, sizes: dict[int, dict]) -> list[str]:
    found = _queries_grow(kind, sizes)
    for size, result in sizes.items():
        at = f"{kind} at {size:,} pupils"
        found += _answers_not_ok(at, result) + _server_time_over(at, result)
        found += _bytes_over(at, result)
        if result["worker_memory_mb"] > WORKER_MEMORY_MB:
            found.append(
                f"{at}: an app worker holds at most {WORKER_MEMORY_MB} MB after the load: "
                f"{result['worker_memory_mb']} MB"
            )
        if "outbox" in result:
            found += _writes_over(at, result)
    return found


def _queries_grow(kind: str, sizes: dict[int, dict]) -> list[str]:
    found = []
    for label in sizes[min(sizes)]["queries"]:
        counts = {size: result["queries"][label] for size, result in sizes.items()}
        if len(set(counts.values())) > 1:
            said = ", ".join(f"{count} at {size:,}" for size, count in counts.items())
            found.append(f"{kind}: query count grows with pupils: {label} ({said})")
    return found


def _answers_not_ok(at: str, result: dict) -> list[str]:
    return [
        f"{at}: every request under load answered 200: {label} answered {figures['statuses']}"
        for label, figures in result["server_time"].items()
        if set(figures["statuses"]) != {"200"}
    ]


def _server_time_over(at: str, result: dict) -> list[str]:
    times = result["server_time"]
    floor, route = times[MINIMAL_PAGE_LABEL], times[MINIMAL_LABEL]
    found = []
    if floor["ratio"] > SERVER_TIME_RATIO:
        found.append(
            f"{at}: the {MINIMAL_PAGE_LABEL} within {SERVER_TIME_RATIO:g}x the minimal route: "
            f"it is {floor['ratio']}x ({floor['p50_ms']} ms to {route['p50_ms']} ms)"
        )
    for label, figures in times.items():
        if label in (MINIMAL_LABEL, MINIMAL_PAGE_LABEL, *result["exports"]):
            continue
        if figures["ratio_to_minimal_page"] > SERVER_TIME_RATIO:
            found.append(
                f"{at}: server time within {SERVER_TIME_RATIO:g}x the {MINIMAL_PAGE_LABEL}: "
                f"{label} is {figures['ratio_to_minimal_page']}x ({figures['p50_ms']} ms to "
                f"{figures['minimal_page_p50_ms']} ms)"
            )
    return found


def _bytes_over(at: str, result: dict) -> list[str]:
    found = []
    for label, figures in result["bytes"].items():
        for key, budget, name in (
            ("html_bytes", HTML_BUDGET, "first HTML response 14 KB"),
            ("css_bytes", CSS_BUDGET, "CSS 25 KB"),
            ("js_bytes", JS_BUDGET, "JS 35 KB"),
        ):
            if figures[key] > budget:
                found.append(f"{at}: {name}: {label} is {figures[key] / 1024:.1f} KB")
        if figures["repeat_static_bytes"] or figures["repeat_server_static_requests"]:
            found.append(
                f"{at}: a repeat visit fetches no static file: {label} fetched "
                f"{figures['repeat_static_bytes']} bytes "
                f"({figures['repeat_server_static_requests']} files at the server)"
            )
    return found


def _outbox_over(at: str, box: dict) -> list[str]:
    if not (box["duplicates"] or box["missing"]):
        return []
    servers = "one app server" if box["servers"] == 1 else f"{box['servers']} app servers"
    return [
        f"{at}: outbox replays through {servers} make no duplicates: {box['duplicates']} "
        f"duplicates, {box['missing']} missing"
    ]


def _writes_over(at: str, result: dict) -> list[str]:
    found = _outbox_over(at, result["outbox"])
    if "two_servers" in result:
        across = result["two_servers"]
        found += _outbox_over(at, across["outbox"])
        if not across["photo"]["served_across"]:
            found.append(
                f"{at}: a photo taken through one app server is served the same by the other: "
                f"it answered {across['photo']['status_across']} "
                f"({across['photo']['status_here']} through the first)"
            )
    found += [
        f"{at}: Lighthouse could not measure {label}: {error}"
        for label, error in result["lighthouse"]["errors"].items()
    ]
    for label, figures in result["lighthouse"]["scores"].items():
        found += [
            f"{at}: Lighthouse {name} at least {LIGHTHOUSE_SCORE}: {label} scores {score}"
            for name, score in figures.items()
            if score < LIGHTHOUSE_SCORE
        ]
    return found


# The tables


def _kb(figures: dict, key: str) -> str:
    return f"{figures[key] / 1024:.1f}" if key in figures else ""


def table(kind: str, size: int, sizes: dict[int, dict]) -> str:
    """The pages at one size: server times, queries at every size, bytes, and Lighthouse's
    scores where measured; then the build, the memory, the exports and the writes."""
    result = sizes[size]
    scores = result.get("lighthouse", {}).get("scores", {})
    header = ["page", "p50 ms", "p95 ms", "x route", "x page", "1st ms",
              *(f"q@{each}" for each in sizes), "HTML KB", "CSS KB", "JS KB", "repeat B",
              *(["LH perf", "LH a11y"] if scores else [])]  # fmt: skip
    labels = dict.fromkeys([MINIMAL_LABEL, MINIMAL_PAGE_LABEL, *result["queries"], *scores])
    rows = [header] + [_row(label, result, sizes, scores) for label in labels]
    widths = [max(len(str(row[n])) for row in rows) for n in range(len(header))]
    lines = [
        f"{row[0]:{widths[0]}}" + "".join(
            f" {cell!s:>{width}}" for cell, width in zip(row[1:], widths[1:], strict=True)
        )
        for row in rows
    ]  # fmt: skip
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join([f"== {kind}, {size:,} pupils ==", *lines, "", *_notes(size, result)])


def _row(label: str, result: dict, sizes: dict[int, dict], scores: dict) -> list:
    times = result["server_time"].get(label, {})
    transfer = result["bytes"].get(label, {})
    row = [
        label, times.get("p50_ms", ""), times.get("p95_ms", ""), times.get("ratio", ""),
        times.get("ratio_to_minimal_page", ""), result["first_visit_ms"].get(label, ""),
        *(each["queries"].get(label, "") for each in sizes.values()),
        _kb(transfer, "html_bytes"), _kb(transfer, "css_bytes"), _kb(transfer, "js_bytes"),
        transfer.get("repeat_static_bytes", ""),
    ]  # fmt: skip
    if scores:
        row += [scores.get(label, {}).get(name, "") for name in ("performance", "accessibility")]
    return row


def _notes(size: int, result: dict) -> list[str]:
    stages = "; ".join(line for line in result["build_stages"] if line.endswith(" s"))
    lines = [
        f"build: {result['build_seconds']} s for {size:,} pupils ({stages})",
        f"memory: {result['worker_memory_mb']} MB resident in one app worker after the load "
        f"(budget {WORKER_MEMORY_MB} MB)",
        "exports alone, nothing else in flight; the peak is the serving worker's resident memory:",
    ]
    width = max(len(label) for label in result["exports_alone"])
    lines += [
        f"  {label:{width}} {alone['seconds']:>7} s (server {alone['server_ms']} ms), "
        f"{alone['sent_bytes'] / 1024:,.0f} KB sent, answered {alone['status']}, "
        f"peak {alone['peak_mb']} MB ({alone['resident_before_mb']} MB before)"
        for label, alone in result["exports_alone"].items()
    ]
    if "outbox" in result:
        lines += _write_notes(result)
    return lines


def _outbox_note(name: str, box: dict) -> str:
    return (
        f"{name}: {box['operations']} operations ({box['requests']} requests) in "
        f"{box['seconds']} s, {box['records_made']} notes made, {box['duplicates']} duplicates, "
        f"{box['missing']} missing; answers {box['statuses']}"
    )


def _write_notes(result: dict) -> list[str]:
    photo, scores = result["photo"], result["lighthouse"]
    lines = [
        f"photo: {photo['upload_bytes'] / 1e6:.1f} MB camera JPEG answered {photo['status']} in "
        f"{photo['seconds']} s (server {photo['server_ms']} ms), stored "
        f"{photo['stored_width']}x{photo['stored_height']}, {photo['stored_bytes'] / 1024:.0f} KB",
        f"Lighthouse: scores in the table (budget {LIGHTHOUSE_SCORE}); could not measure: "
        + (", ".join(f"{label} ({error})" for label, error in scores["errors"].items()) or "none"),
        _outbox_note("outbox", result["outbox"]),
    ]
    if "two_servers" in result:
        across = result["two_servers"]
        served = "yes" if across["photo"]["served_across"] else "no"
        lines += [
            f"two app servers over one database: photo served across: {served} (answered "
            f"{across['photo']['status_here']} through the first, "
            f"{across['photo']['status_across']} through the second, "
            f"{across['photo']['bytes_across']:,} bytes); duplicates: "
            f"{across['outbox']['duplicates']}",
            _outbox_note("  outbox alternating between them", across["outbox"]),
        ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1/postgres"))  # fmt: skip
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--output", default=str(ROOT / "bench-results.json"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ap-field-bench-"))
    results: dict = {"sizes": SIZES, "budgets_exceeded": []}
    try:
        for kind in [args.only] if args.only else ["sqlite", "postgresql"]:
            if kind == "postgresql" and not postgres_reachable(args.postgres):
                print(f"[postgresql] not reachable at {args.postgres}: skipped", flush=True)
                continue
            results[kind] = measure(kind, work, args.postgres)
            results["budgets_exceeded"] += exceeded(kind, results[kind])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for kind in ("sqlite", "postgresql"):
        for size in results.get(kind, {}):
            print("\n" + table(kind, size, results[kind]))
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
