"""The load generator, run as a second process: for each target in turn, a few threads
request it over and over for a short while. It prints how many requests each target got
and their statuses; server times are read from the server's own log."""

import json
import sys
import threading
import time
from collections import Counter

import requests


def hammer(target: dict, threads: int) -> dict:
    statuses: Counter = Counter()
    lock = threading.Lock()
    deadline = time.monotonic() + target["seconds"]
    made = [0]

    def worker() -> None:
        with requests.Session() as session:
            session.cookies.update(target["cookies"])
            while True:
                with lock:
                    if made[0] >= target["most"] or (
                        made[0] >= target["least"] and time.monotonic() > deadline
                    ):
                        return
                    made[0] += 1
                response = session.get(
                    target["url"],
                    headers={"X-Bench-Label": target["label"], "Accept-Encoding": "gzip"},
                    allow_redirects=False,
                )
                with lock:
                    statuses[response.status_code] += 1

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return {"label": target["label"], "requests": made[0], "statuses": dict(statuses)}


def main() -> None:
    spec = json.load(sys.stdin)
    results = [hammer(target, spec["threads"]) for target in spec["targets"]]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
