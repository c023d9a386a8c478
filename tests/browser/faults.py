"""The fault-injection sweep's seeds and its report (tests/browser/test_faults.py).

`make test` runs DEFAULT_RUNS seeds on SQLite and none on PostgreSQL (the sweep tests the
phone's outbox, not the database). FAULT_RUNS=N runs seeds 0 to N-1 on either; FAULT_SEEDS=3,17
runs those. With FAULT_REPORT=path each seed adds a line of JSON there, and
`python -m tests.browser.faults path` prints the totals and the seeds that failed."""

import json
import os
import sys
from pathlib import Path

DEFAULT_RUNS = 3


def seeds() -> list[int]:
    if chosen := os.environ.get("FAULT_SEEDS"):
        return [int(seed) for seed in chosen.split(",")]
    on_postgresql = bool(os.environ.get("TEST_DATABASE_URL"))
    runs = os.environ.get("FAULT_RUNS", "0" if on_postgresql else str(DEFAULT_RUNS))
    return list(range(int(runs)))


def record_outcome(seed: int, **outcome) -> None:
    if report := os.environ.get("FAULT_REPORT"):
        with open(report, "a") as lines:
            lines.write(json.dumps({"seed": seed} | outcome) + "\n")


def summary(report: Path) -> str:
    runs = [json.loads(line) for line in report.read_text().splitlines() if line]
    failed = sorted(run["seed"] for run in runs if run["lost"] or run["duplicated"] or run["stuck"])
    forms = sum(len(run["forms"]) for run in runs)
    lines = [
        f"{len(runs)} fault schedules, {forms} forms filled in",
        "lost: {}, duplicated: {}, stuck: {}".format(
            *(sum(run[key] for run in runs) for key in ("lost", "duplicated", "stuck"))
        ),
        f"failed seeds: {', '.join(map(str, failed)) if failed else 'none'}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary(Path(sys.argv[1])))
