"""Mail about a concern: every DSL and the school's DSL when it is recorded, every DSL and
lead again when nobody has seen it within two working hours; never a name or its content."""

from datetime import UTC, date, datetime, time

import pytest

from ap_field.auth.models import Role, SafeguardingRole
from ap_field.common.time import LONDON
from ap_field.mail.services import send_pending
from ap_field.safeguarding.queries import working_hours_after
from ap_field.safeguarding.services import mark_seen, remind_unseen

SECRET = "No food in the house for two days"
MONDAY = date(2026, 11, 23)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON).astimezone(UTC)


def _nothing_personal(message) -> None:
    text = message["Subject"] + message.get_content()
    for words in (SECRET, "Jayden", "Clarke", "Tom Okafor"):
        assert words not in text


def test_recording_a_concern_mails_every_dsl_and_the_schools_dsl(
    client, teacher, pupil, dsl, make_user, mailbox, concern_form
):
    deputy = make_user(Role.TEACHER, safeguarding_role=SafeguardingRole.DEPUTY)
    make_user(Role.LEAD)
    make_user(Role.TEACHER, safeguarding_role=SafeguardingRole.DSL, active=False)

    response = client.post(
        f"/pupils/{pupil.id}/concerns/new", data=concern_form(what_happened=SECRET)
    )

    recipients = sorted(message["To"] for message in mailbox.messages)
    assert recipients == sorted([dsl.email, deputy.email, "dsl@northside.sch.uk"])
    for message in mailbox.messages:
        _nothing_personal(message)
    [to_dsl] = mailbox.to(dsl.email)
    assert f"http://localhost{response.location}" in to_dsl.get_content()
    [to_school] = mailbox.to("dsl@northside.sch.uk")
    assert "SC-" in to_school.get_content()
    assert response.location not in to_school.get_content()


def test_a_mail_server_that_is_down_delays_the_mail_and_loses_nothing(
    client, app, teacher, pupil, dsl, mailbox, concern_form, clock
):
    mailbox.refuse(dsl.email)
    response = client.post(f"/pupils/{pupil.id}/concerns/new", data=concern_form())
    assert response.status_code == 302, "the concern is kept whatever the mail server says"
    assert mailbox.to(dsl.email) == []

    mailbox.reset()
    clock.set(london(date(2030, 1, 7), 12))
    send_pending()

    assert len(mailbox.to(dsl.email)) == 1


def test_unseen_for_two_working_hours_every_dsl_and_lead_are_mailed_once(
    clock, teacher, pupil, dsl, make_user, mailbox, make_concern
):
    lead = make_user(Role.LEAD)
    clock.set(london(MONDAY, 10))
    concern = make_concern(pupil, teacher, what_happened=SECRET)
    send_pending()
    mailbox.reset()

    assert remind_unseen(london(MONDAY, 11, 59)) == 0
    assert remind_unseen(london(MONDAY, 12)) == 1
    assert remind_unseen(london(MONDAY, 12, 5)) == 0
    send_pending(london(MONDAY, 12, 5))

    assert sorted(message["To"] for message in mailbox.messages) == sorted([dsl.email, lead.email])
    for message in mailbox.messages:
        assert concern.reference in message["Subject"]
        _nothing_personal(message)


def test_a_concern_seen_in_time_is_not_mailed_again(
    clock, teacher, pupil, dsl, mailbox, make_concern
):
    clock.set(london(MONDAY, 10))
    concern = make_concern(pupil, teacher)
    mark_seen(concern, dsl, concern.version)
    assert remind_unseen(london(MONDAY, 17)) == 0


@pytest.mark.parametrize(
    ("start", "hours", "deadline"),
    [
        (london(MONDAY, 10), 2, london(MONDAY, 12)),
        (london(MONDAY, 17), 2, london(date(2026, 11, 24), 9)),
        (london(MONDAY, 20), 2, london(date(2026, 11, 24), 10)),
        (london(date(2026, 11, 27), 17, 30), 2, london(date(2026, 11, 30), 9, 30)),
        (london(date(2026, 11, 28), 11), 2, london(date(2026, 11, 30), 10)),
        (london(MONDAY, 6), 2, london(MONDAY, 10)),
    ],
)
def test_working_hours_are_weekdays_from_eight_to_six(app, start, hours, deadline):
    assert working_hours_after(start, hours) == deadline


def test_the_tick_mails_about_a_concern_unseen_too_long(
    clock, runner, teacher, pupil, dsl, mailbox, make_concern
):
    clock.set(london(MONDAY, 10))
    make_concern(pupil, teacher)
    send_pending()
    mailbox.reset()
    clock.set(london(MONDAY, 12, 5))

    result = runner.invoke(args=["reminders", "tick"])

    assert "Safeguarding concerns not yet seen, DSLs and leads mailed: 1" in result.output
    [message] = mailbox.to(dsl.email)
    assert "not yet seen" in message["Subject"]
