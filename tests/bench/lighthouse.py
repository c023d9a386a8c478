"""Lighthouse scores for `make bench`: performance and accessibility of pages as a signed-in
person sees them on a phone.

Lighthouse comes from npm (tests/bench/lighthouse/package.json, installed by `make bench`) and
runs in Debian's Chromium with its mobile defaults: a mid-range phone's screen and simulated
slow 4G with a 4x slower CPU. Each page's signed-in person is sent as a Cookie header on every
request; a page that ends anywhere but where it was asked for (the sign-in page, the lock)
is an error rather than a score.

By hand, against a server with the demo programme (`flask demo seed`):

    python -m tests.bench.lighthouse http://127.0.0.1:5000
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import requests

from ap_field.demo import DEMO_PASSWORD

LIGHTHOUSE = Path(__file__).with_name("lighthouse") / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility")
BUDGET = 95
# Runs of each page, the median kept: one run's performance varies by several points with the
# load on the machine, as Lighthouse's guide to variability says.
RUNS = 3
TIMEOUT_SECONDS = 180


def lighthouse_scores(
    base_url: str,
    pages: list[tuple[str, str, str]],
    *,
    reports: Path | None = None,
    runs: int = RUNS,
) -> dict[str, dict[str, int]]:
    """Each (label, Cookie header value, path) page's scores, 0 to 100, by label: those of the
    run with the median performance score of `runs`. That run's JSON report is kept in
    `reports` when given, named after the label (report_path)."""
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"no {LIGHTHOUSE}: npm ci --prefix {LIGHTHOUSE.parents[2]}")
    scores = {}
    with tempfile.TemporaryDirectory(prefix="ap-field-lighthouse-") as scratch:
        for label, cookie, path in pages:
            median = median_run(base_url + path, cookie, runs, Path(scratch))
            scores[label] = scores_of(median)
            if reports:
                reports.mkdir(parents=True, exist_ok=True)
                report_path(reports, label).write_text(json.dumps(median))
    return scores


def report_path(folder: Path, label: str) -> Path:
    return folder / (re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + ".json")


def median_run(url: str, cookie: str, runs: int, scratch: Path) -> dict:
    reports = [run_lighthouse(url, cookie, scratch / f"run-{n}.json") for n in range(runs)]
    reports.sort(key=lambda report: report["categories"]["performance"]["score"])
    return reports[len(reports) // 2]


def run_lighthouse(url: str, cookie: str, output: Path) -> dict:
    """Lighthouse's report on `url` requested with `cookie`, also written to `output`."""
    output.unlink(missing_ok=True)
    done = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={output}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--form-factor=mobile",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--extra-headers={json.dumps({'Cookie': cookie})}",
        ],
        env=os.environ | {"CHROME_PATH": CHROMIUM},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if not output.exists():
        raise RuntimeError(f"Lighthouse wrote no report for {url}: {done.stderr.strip()}")
    report = json.loads(output.read_text())
    if error := report.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not measure {url}: {error['message']}")
    final = report["finalDisplayedUrl"]
    if _place(final) != _place(url):
        raise RuntimeError(f"Lighthouse asked for {url} but was shown {final}")
    return report


def _place(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path, parts.query


def scores_of(report: dict) -> dict[str, int]:
    return {name: round(report["categories"][name]["score"] * 100) for name in CATEGORIES}


def costly_audits(report: dict, category: str) -> list[str]:
    """What cost `category` points, heaviest first: its weighted audits that did not pass,
    with what each measured or the elements it names."""
    audits = report["audits"]
    costs = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if not ref["weight"] or audit["score"] is None or audit["score"] >= 1:
            continue
        named = [
            item["node"].get("selector", "")
            for item in (audit.get("details") or {}).get("items", [])
            if isinstance(item.get("node"), dict)
        ]
        measured = audit.get("displayValue") or ", ".join(named[:5])
        cost = ref["weight"] * (1 - audit["score"])
        costs.append((cost, f"{ref['id']} ({audit['title']}): {measured}".rstrip(": ")))
    return [line for _, line in sorted(costs, key=lambda cost: -cost[0])]


# By hand: the demo programme's people and pages.


def sign_in(base_url: str, email: str, password: str) -> str:
    """The Cookie header value of `email` signed in with a password alone."""
    session = requests.Session()
    form = session.get(base_url + "/sign-in", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    answer = session.post(
        base_url + "/sign-in",
        data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302 or answer.headers["Location"].startswith("/sign-in"):
        raise RuntimeError(f"{email} is not signed in by a password alone")
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def site_check_item(base_url: str, cookie: str) -> str:
    """The item a signed-in assessor's first draft check goes on with."""
    headers = {"Cookie": cookie}
    listed = requests.get(base_url + "/site-checks", headers=headers, timeout=30).text
    for check in dict.fromkeys(re.findall(r'href="(/site-checks/\d+)"', listed)):
        page = requests.get(base_url + check, headers=headers, timeout=30).text
        if item := re.search(rf'href="({check}/items/\d+)"', page):
            return item.group(1)
    raise RuntimeError("the assessor has no draft site check")


def demo_pages(base_url: str) -> list[tuple[str, str, str]]:
    teacher, assessor, parent = (
        sign_in(base_url, email, DEMO_PASSWORD)
        for email in ("teacher1@example.org", "assessor@example.org", "parent1@example.org")
    )
    return [
        ("Today (teacher)", teacher, "/today"),
        ("Register (teacher)", teacher, "/register"),
        ("Site check item (assessor)", assessor, site_check_item(base_url, assessor)),
        ("My child (parent)", parent, "/my-child"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="a server with the demo programme")
    parser.add_argument("--reports", type=Path, default=Path(tempfile.gettempdir()) / "lighthouse")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs of each page, median kept")
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")
    pages = demo_pages(base_url)
    scores = lighthouse_scores(base_url, pages, reports=args.reports, runs=args.runs)
    below = False
    for label, _, path in pages:
        print(f"{label:30} {path:30} " + "  ".join(f"{k} {v:3}" for k, v in scores[label].items()))
        report = json.loads(report_path(args.reports, label).read_text())
        for category, score in scores[label].items():
            if score < BUDGET:
                below = True
                for line in costly_audits(report, category):
                    print(f"    {category}: {line}")
    print(f"Reports in {args.reports}")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
