"""The load generator, run as a second process: for each target in turn, a few threads
request it over and over for a short while, each thread taking the target's requests in
turn (a page and the minimal page beside it, so that both are timed under the same load).
It prints how many requests each label got and their statuses; server times are read from
the server's own log."""

import json
import sys
import threading
import time
from collections import Counter

import requests


def hammer(target: dict, threads: int) -> list[dict]:
    asked = target["requests"]
    statuses: dict[str, Counter] = {request["label"]: Counter() for request in asked}
    lock = threading.Lock()
    deadline = time.monotonic() + target["seconds"]
    made = [0]

    def worker(first: int) -> None:
        sessions = {}
        for request in asked:
            sessions[request["label"]] = requests.Session()
            sessions[request["label"]].cookies.update(request["cookies"])
        turn = first
        while True:
            with lock:
                if made[0] >= target["most"] or (
                    made[0] >= target["least"] and time.monotonic() > deadline
                ):
                    break
                made[0] += 1
            request = asked[turn % len(asked)]
            turn += 1
            response = sessions[request["label"]].get(
                request["url"],
                headers={"X-Bench-Label": request["label"], "Accept-Encoding": "gzip"},
                allow_redirects=False,
            )
            with lock:
                statuses[request["label"]][response.status_code] += 1
        for session in sessions.values():
            session.close()

    workers = [threading.Thread(target=worker, args=(number,)) for number in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return [
        {"label": label, "requests": sum(counted.values()), "statuses": dict(counted)}
        for label, counted in statuses.items()
    ]


def main() -> None:
    spec = json.load(sys.stdin)
    results = [result for target in spec["targets"] for result in hammer(target, spec["threads"])]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
