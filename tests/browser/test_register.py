"""A community teacher takes the AM register for their block of 5 on a phone, in at most
ten taps: two to open the register (the menu, then Register), one per pupil present, two for
a code under "More codes" and three for a late arrival (Late, the minutes box, Save)."""

from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from ap_field.auth.models import Role
from ap_field.pupils.services import assign
from tests.browser.conftest import sign_in_by_requests

NAMES = ["Amara Bello", "Ben Carter", "Cara Doyle", "Dev Patel", "Ema Novak"]
MAX_TAPS = 10


@pytest.fixture
def block_signed_in(phone: Page, make_user, make_pupil, clock) -> None:
    """A teacher with NAMES in their block, signed in on `phone` at 09:05 on a Monday."""
    clock(9, 5, on=date(2026, 11, 16))
    teacher = make_user(Role.TEACHER)
    for name in NAMES:
        assign(make_pupil(legal_name=name), teacher, None, on=date(2026, 9, 1))
    sign_in_by_requests(phone, teacher.email)


def test_an_am_register_for_a_block_of_five_in_ten_taps(phone: Page, block_signed_in):
    taps = 0

    def tap(target: Locator) -> None:
        nonlocal taps
        taps += 1
        target.tap()

    def row(name: str) -> Locator:
        return phone.locator("#register > li", has=phone.get_by_role("heading", name=name))

    menu = phone.get_by_role("navigation", name="Menu")
    tap(menu.get_by_role("button", name="Menu"))
    tap(menu.get_by_role("link", name="Register"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("AM register")

    for name in NAMES[:3]:
        tap(row(name).get_by_role("button", name=f"Present ({name})"))
        expect(row(name)).to_contain_text("Marked / Present (AM)")

    tap(row("Dev Patel").get_by_text("More codes"))
    tap(
        row("Dev Patel").get_by_role(
            "button", name="I: Illness (not a medical or dental appointment) (Dev Patel)"
        )
    )
    expect(row("Dev Patel")).to_contain_text("Marked I Illness")

    tap(row("Ema Novak").get_by_role("button", name="Late (Ema Novak)"))
    minutes = row("Ema Novak").get_by_label("Minutes late")
    tap(minutes)
    minutes.fill("10")
    tap(row("Ema Novak").get_by_role("button", name="Save late mark"))
    expect(row("Ema Novak")).to_contain_text("L (10 minutes late)")

    assert taps <= MAX_TAPS, taps
    phone.reload()
    expect(phone.locator("main")).to_contain_text("5 of 5 pupils marked.")


def test_marks_tapped_with_no_signal_wait_on_the_phone_and_count_in_the_register(
    phone: Page, block_signed_in
):
    phone.goto("/register")
    counter = phone.locator("[data-register-count]")
    expect(counter).to_have_text("0 of 5 pupils marked.")

    def row(name: str) -> Locator:
        return phone.locator("#register > li", has=phone.get_by_role("heading", name=name))

    phone.context.set_offline(True)
    row("Amara Bello").get_by_role("button", name="Present (Amara Bello)").tap()
    expect(row("Amara Bello")).to_contain_text("Saved on this phone, not sent yet")
    row("Ema Novak").get_by_role("button", name="Late (Ema Novak)").tap()
    row("Ema Novak").get_by_label("Minutes late").fill("10")
    row("Ema Novak").get_by_role("button", name="Save late mark").tap()
    expect(row("Ema Novak")).to_contain_text("Saved on this phone, not sent yet")
    expect(counter).to_have_text("2 of 5 pupils marked. 2 saved on this phone, not sent yet.")

    phone.context.set_offline(False)
    expect(row("Amara Bello")).to_contain_text("Marked / Present (AM)")
    expect(row("Ema Novak")).to_contain_text("L (10 minutes late)")
    expect(row("Ema Novak")).to_contain_text("Sent.")
    expect(counter).to_have_text("2 of 5 pupils marked.")
    expect(phone.locator("[data-outbox-badge]")).to_be_hidden()


def test_the_counter_follows_each_mark_as_it_is_made(phone: Page, block_signed_in):
    phone.goto("/register")
    counter = phone.locator("[data-register-count]")
    expect(counter).to_have_text("0 of 5 pupils marked.")
    for count, name in enumerate(NAMES[:2], start=1):
        row = phone.locator("#register > li", has=phone.get_by_role("heading", name=name))
        row.get_by_role("button", name=f"Present ({name})").tap()
        expect(row).to_contain_text("Marked / Present (AM)")
        expect(counter).to_have_text(f"{count} of 5 pupils marked.")
