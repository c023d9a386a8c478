"""The safeguarding chronology gives the sessions a pupil missed one line per day."""

from datetime import date

from tests.attendance.helpers import put_marks


def test_a_days_missed_sessions_are_one_line(client_request, switch_to, dsl, teacher, pupil):
    put_marks(pupil, teacher, ["O", "I", "/", "N", "/", "/"], date(2026, 11, 16))
    switch_to(dsl)
    page = client_request.get(f"/pupils/{pupil.id}/safeguarding")
    rows = [" ".join(row.get_text(" ").split()) for row in page.select("tbody tr")]
    missed = [row for row in rows if "Missed" in row]
    assert missed == [
        "Monday 16 November 2026 Missed the AM and PM sessions O: Absent, unauthorised; I: Ill",
        "Tuesday 17 November 2026 Missed the PM session Absent, reason not known",
    ]
