"""Parents read their pages in plain words: attendance as "present" or "absent – ill", never a
register code, and sentences a nine-year-old could read."""

import re
import uuid
from datetime import timedelta

import pytest

from ap_field.absences.models import AbsenceReason
from ap_field.absences.services import report_absence
from ap_field.attendance.codes import CODES
from ap_field.attendance.models import RegisterSession
from ap_field.parents.models import Answer, Outcome
from ap_field.parents.services import confirm_session, reply_to_dispute
from tests.attendance.helpers import put_marks
from tests.helpers import WEDNESDAY

MONDAY = WEDNESDAY - timedelta(days=2)
# A reading age of about 9 is a US school grade of about 4 (UK reading age = grade + 5); the
# Flesch-Kincaid grade of a page's running text must not pass this.
HIGHEST_GRADE = 5.0


@pytest.fixture
def parent(make_parent, pupil):
    return make_parent(pupil, name="Donna Clarke")


def syllables(word: str) -> int:
    """Vowel groups, less a silent final e: the usual estimate."""
    word = word.lower()
    count = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade of `text`: 0.39 words per sentence + 11.8 syllables per word
    - 15.59."""
    sentences = [part for part in re.split(r"[.!?:\n]+", text) if re.search(r"[A-Za-z]", part)]
    words = re.findall(r"[A-Za-z']+", text)
    per_sentence = len(words) / len(sentences)
    per_word = sum(syllables(word) for word in words) / len(words)
    return 0.39 * per_sentence + 11.8 * per_word - 15.59


def main_text(page) -> str:
    main = page.select_one("main")
    for hidden in main.select(".govuk-visually-hidden, script"):
        hidden.decompose()
    return "\n".join(line.strip() for line in main.get_text("\n").splitlines() if line.strip())


def test_the_week_is_in_plain_words(pupil, parent, teacher, phone_of, clock):
    clock(16, 0, on=WEDNESDAY)
    put_marks(pupil, teacher, ["/", "I", "L", "M"], MONDAY)
    attendance = phone_of(parent).get("/my-child").select_one("[data-attendance]")
    rows = [" ".join(row.get_text(" ").split()) for row in attendance.select("div")]
    assert rows == [
        "Monday 16 Morning: present Afternoon: absent – ill",
        "Tuesday 17 Morning: present, a little late Afternoon: absent – doctor or dentist",
        "Wednesday 18 Morning: not marked yet Afternoon: not marked yet",
    ]


def test_every_code_has_plain_words_without_a_code_in_them():
    for code in CODES.values():
        words = code.in_plain_words
        assert words and code.code not in words.split()
        assert "register" not in words and "authorised" not in words


def test_parent_pages_read_at_about_age_nine(pupil, parent, teacher, make_note, phone_of, clock):
    clock(16, 0, on=WEDNESDAY)
    put_marks(pupil, teacher, ["/", "I"], MONDAY)
    disputed = make_note(pupil, held_on=MONDAY)
    dispute = confirm_session(disputed, parent, Answer.DISPUTED, "He was not well", uuid.uuid4())
    reply_to_dispute(
        dispute,
        teacher,
        {"outcome": Outcome.EXPLAINED, "reply": "We did the lesson at home.", "correction": ""},
        uuid.uuid4(),
    )
    make_note(pupil, held_on=WEDNESDAY)
    tomorrow = WEDNESDAY + timedelta(days=1)
    report_absence(
        pupil,
        parent,
        (tomorrow, RegisterSession.AM, tomorrow, RegisterSession.PM),
        AbsenceReason.APPOINTMENT,
        "",
        uuid.uuid4(),
    )
    phone = phone_of(parent)
    pages = {
        "my child": phone.get("/my-child"),
        "absence": phone.get(f"/my-child/{pupil.id}/absences/new"),
        "session": phone.get(f"/my-child/{pupil.id}/sessions/{disputed.id}"),
    }
    grades = {name: round(reading_grade(main_text(page)), 1) for name, page in pages.items()}
    assert all(grade <= HIGHEST_GRADE for grade in grades.values()), grades
