"""`make screenshots` (`python -m tests.screenshots`): the main screens at phone size
(390 x 844), from the demo programme, into docs/screenshots/ for the README.

It builds the demo in a throwaway instance folder, serves it on a free loopback port and
signs in as each role in Debian's Chromium (or Playwright's own build).
"""

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from ap_field import PROJECT_ROOT
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, sign_in

OUT = PROJECT_ROOT / "docs" / "screenshots"
PHONE_SCREENS = {**PHONE, "device_scale_factor": 2}  # sharp enough, half the bytes
# (file, who signs in, the page, what it shows)
SCREENS = [
    ("today.png", "teacher1@example.org", "/today", "A community teacher's Today"),
    ("register.png", "teacher1@example.org", "/register?session=am", "The AM register"),
    ("pupil.png", "teacher1@example.org", "first-pupil", "A pupil's page"),
    ("programme.png", "lead@example.org", "/programme", "The programme lead's dashboard"),
    ("site-checks.png", "assessor@example.org", "/site-checks", "A competent person's site checks"),
    ("my-child.png", "parent1@example.org", "/my-child", "A parent's page"),
]


def demo_app():
    from ap_field import create_app
    from ap_field.demo import DEMO_PASSWORD

    instance = Path(tempfile.mkdtemp(prefix="ap-field-screens-"))
    os.environ["AP_FIELD_INSTANCE"] = str(instance)
    app = create_app({"SECRET_KEY": "screenshots", "DEMO_DATA_ALLOWED": True,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})  # fmt: skip
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["demo", "seed"]):
        result = runner.invoke(args=command)
        if result.exit_code != 0:
            sys.exit(result.output)
    return app, instance, DEMO_PASSWORD


def take(base_url: str, password: str) -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
        )
        for name, email, path, _caption in SCREENS:
            context = browser.new_context(base_url=base_url, **PHONE_SCREENS)
            page = context.new_page()
            sign_in(page, email, password)
            if path == "first-pupil":
                page.goto("/caseload")
                page.locator(".app-card__title a").first.click()
            else:
                page.goto(path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=OUT / name)
            context.close()
        browser.close()


def main() -> None:
    app, instance, password = demo_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # The demo's lead and administrator sign in with a second factor, read from the
        # database as their authenticator app would show it.
        with app.app_context():
            take(f"http://127.0.0.1:{server.server_port}", password)
    finally:
        server.shutdown()
        shutil.rmtree(instance, ignore_errors=True)
    for name, _email, _path, caption in SCREENS:
        print(f"{OUT / name}: {caption}")


if __name__ == "__main__":
    main()
