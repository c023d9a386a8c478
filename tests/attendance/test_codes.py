"""The codes are the complete 2024 set, each in the guidance's statistical category."""

from ap_field.attendance.codes import CODES, Category, code_groups

C = Category


def test_the_complete_2024_set_of_thirty_four_codes():
    assert list(CODES) == [
        "/",
        "\\",
        "L",
        "K",
        "V",
        "P",
        "W",
        "B",
        "D",
        "C1",
        "M",
        "J1",
        "S",
        "X",
        "C2",
        "C",
        "T",
        "R",
        "I",
        "E",
        "Q",
        "Y1",
        "Y2",
        "Y3",
        "Y4",
        "Y5",
        "Y6",
        "Y7",
        "G",
        "N",
        "O",
        "U",
        "Z",
        "#",
    ]


def test_codes_withdrawn_in_2024_are_gone():
    """H (agreed holiday), F (extended holiday), J (interview, once an approved activity) and
    the single Y were withdrawn; J1 and Y1 to Y7 replaced the last two."""
    assert not {"H", "F", "J", "Y"} & CODES.keys()


def test_each_code_has_the_guidance_category():
    by_category = {
        category: sorted(c.code for c in CODES.values() if c.category == category)
        for category in Category
    }
    assert by_category == {
        C.PRESENT: sorted(["/", "\\", "L"]),
        C.APPROVED_ACTIVITY: sorted(["K", "V", "P", "W", "B"]),
        C.AUTHORISED: sorted(["C1", "M", "J1", "S", "C2", "C", "T", "R", "I", "E"]),
        C.UNAUTHORISED: sorted(["G", "N", "O", "U"]),
        C.NOT_COUNTED: sorted(["D", "X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#"]),
    }


def test_2024_meanings_of_changed_codes():
    assert CODES["T"].meaning == "Parent travelling for occupational purposes"
    assert CODES["B"].meaning == "Attending any other approved educational activity"
    assert CODES["X"].meaning.endswith("non-compulsory school age")
    assert CODES["#"].meaning == "Planned whole or partial school closure"
    assert CODES["J1"].category == C.AUTHORISED


def test_codes_not_counted_are_not_possible_sessions():
    assert not CODES["Y4"].is_possible_session
    assert not CODES["D"].is_possible_session
    assert CODES["N"].is_possible_session and CODES["N"].is_absence
    assert CODES["K"].is_attendance and not CODES["K"].is_absence


def test_groups_keep_every_code_once_in_the_guidance_order():
    listed = [code.code for _, members in code_groups() for code in members]
    assert listed == list(CODES)
