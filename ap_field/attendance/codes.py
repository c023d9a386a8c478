"""The attendance and absence codes in force in England since 19 August 2024.

Source: Department for Education, "Working together to improve school attendance"
(statutory guidance, August 2024), the national codes it sets out under The School
Attendance (Pupil Registration) (England) Regulations 2024. Thirty-four codes, twelve of
them new in 2024 (K, C1, C2, J1, Q, Y1 to Y7); H, J and the single Y are gone, and B, C,
D, T, X, Z and # carry their 2024 meanings, not the 2006 ones.

Each code's statistical category is the guidance's: present and approved educational
activity count as attendance, authorised and unauthorised absence as absence, and every
other code (dual registration, non-compulsory school age, unavoidable causes, and the two
administrative codes) is not a possible session, so it is left out of both sides of the
attendance percentage.
"""

from dataclasses import dataclass

from ap_field.common.models import LabelledEnum


class Category(LabelledEnum):
    PRESENT = "present", "Present"
    APPROVED_ACTIVITY = "approved_activity", "Attending an approved educational activity"
    AUTHORISED = "authorised", "Authorised absence"
    UNAUTHORISED = "unauthorised", "Unauthorised absence"
    NOT_COUNTED = "not_counted", "Not counted as a possible session"


ATTENDING = frozenset({Category.PRESENT, Category.APPROVED_ACTIVITY})
ABSENT = frozenset({Category.AUTHORISED, Category.UNAUTHORISED})


@dataclass(frozen=True)
class AttendanceCode:
    code: str
    meaning: str
    category: Category
    group: str

    @property
    def is_possible_session(self) -> bool:
        return self.category is not Category.NOT_COUNTED

    @property
    def is_present_on_time(self) -> bool:
        return self.code in (PRESENT_AM, PRESENT_PM)

    @property
    def is_attendance(self) -> bool:
        return self.category in ATTENDING

    @property
    def is_absence(self) -> bool:
        return self.category in ABSENT

    @property
    def label(self) -> str:
        return f"{self.code} {self.meaning}"

    @property
    def in_plain_words(self) -> str:
        """What a parent reads: no code, no register terms."""
        if self.code in PLAIN_WORDS:
            return PLAIN_WORDS[self.code]
        return {
            Category.PRESENT: "present",
            Category.APPROVED_ACTIVITY: "at an activity the school agreed",
            Category.AUTHORISED: "absent – allowed",
            Category.UNAUTHORISED: "absent",
            Category.NOT_COUNTED: "no session",
        }[self.category]


PRESENT_GROUP = "Present"
ELSEWHERE = "Attending a place other than the school"
LEAVE = "Absent: leave of absence"
OTHER_AUTHORISED = "Absent: other authorised reasons"
UNAVOIDABLE = "Absent: unable to attend because of an unavoidable cause"
NO_AUTHORISED_REASON = "Absent: no authorised reason"
ADMINISTRATIVE = "Administrative codes"

C = Category
_CODES = [
    ("/", C.PRESENT, PRESENT_GROUP, "Present (AM)"),
    ("\\", C.PRESENT, PRESENT_GROUP, "Present (PM)"),
    ("L", C.PRESENT, PRESENT_GROUP, "Late arrival before the register has closed"),
    ("K", C.APPROVED_ACTIVITY, ELSEWHERE,
     "Attending education provision arranged by the local authority"),
    ("V", C.APPROVED_ACTIVITY, ELSEWHERE, "Attending an educational visit or trip"),
    ("P", C.APPROVED_ACTIVITY, ELSEWHERE, "Participating in a sporting activity"),
    ("W", C.APPROVED_ACTIVITY, ELSEWHERE, "Attending work experience"),
    ("B", C.APPROVED_ACTIVITY, ELSEWHERE, "Attending any other approved educational activity"),
    ("D", C.NOT_COUNTED, ELSEWHERE, "Dual registered: at another school"),
    ("C1", C.AUTHORISED, LEAVE,
     "Leave of absence to take part in a regulated performance or regulated employment abroad"),
    ("M", C.AUTHORISED, LEAVE, "Leave of absence for a medical or dental appointment"),
    ("J1", C.AUTHORISED, LEAVE,
     "Interview for employment or admission to another educational institution (leave of absence)"),
    ("S", C.AUTHORISED, LEAVE, "Leave of absence to study for a public examination"),
    ("X", C.NOT_COUNTED, LEAVE, "Not required to be in school: non-compulsory school age"),
    ("C2", C.AUTHORISED, LEAVE,
     "Leave of absence for a compulsory school age pupil on a part-time timetable"),
    ("C", C.AUTHORISED, LEAVE, "Leave of absence for exceptional circumstances"),
    ("T", C.AUTHORISED, OTHER_AUTHORISED, "Parent travelling for occupational purposes"),
    ("R", C.AUTHORISED, OTHER_AUTHORISED, "Religious observance"),
    ("I", C.AUTHORISED, OTHER_AUTHORISED, "Illness (not a medical or dental appointment)"),
    ("E", C.AUTHORISED, OTHER_AUTHORISED,
     "Suspended or permanently excluded, and no alternative provision made"),
    ("Q", C.NOT_COUNTED, UNAVOIDABLE, "Unable to attend because of a lack of access arrangements"),
    ("Y1", C.NOT_COUNTED, UNAVOIDABLE,
     "Unable to attend because transport normally provided is not available"),
    ("Y2", C.NOT_COUNTED, UNAVOIDABLE,
     "Unable to attend because of widespread disruption to travel"),
    ("Y3", C.NOT_COUNTED, UNAVOIDABLE,
     "Unable to attend because part of the school premises is closed"),
    ("Y4", C.NOT_COUNTED, UNAVOIDABLE,
     "Unable to attend because the whole school site is unexpectedly closed"),
    ("Y5", C.NOT_COUNTED, UNAVOIDABLE, "Unable to attend because of criminal justice detention"),
    ("Y6", C.NOT_COUNTED, UNAVOIDABLE,
     "Unable to attend in accordance with public health guidance or law"),
    ("Y7", C.NOT_COUNTED, UNAVOIDABLE, "Unable to attend because of any other unavoidable cause"),
    ("G", C.UNAUTHORISED, NO_AUTHORISED_REASON, "Holiday not granted by the school"),
    ("N", C.UNAUTHORISED, NO_AUTHORISED_REASON, "Reason for absence not yet established"),
    ("O", C.UNAUTHORISED, NO_AUTHORISED_REASON, "Absent in other or unknown circumstances"),
    ("U", C.UNAUTHORISED, NO_AUTHORISED_REASON, "Arrived after the register closed"),
    ("Z", C.NOT_COUNTED, ADMINISTRATIVE, "Prospective pupil not on the admission register"),
    ("#", C.NOT_COUNTED, ADMINISTRATIVE, "Planned whole or partial school closure"),
]  # fmt: skip

CODES: dict[str, AttendanceCode] = {
    code: AttendanceCode(code, meaning, category, group)
    for code, category, group, meaning in _CODES
}

PRESENT_AM, PRESENT_PM = "/", "\\"
NOT_OF_SCHOOL_AGE = "X"
# The codes a parent reads in words of their own; the others by their category.
PLAIN_WORDS = {
    "L": "present, a little late",
    "U": "absent – came too late",
    "I": "absent – ill",
    "M": "absent – doctor or dentist",
    "R": "absent – religious day",
    "D": "at another school",
}
LATE = "L"
NOT_YET_ESTABLISHED = "N"
MAX_CODE_LENGTH = 2


def code_groups() -> list[tuple[str, list[AttendanceCode]]]:
    """The codes under the guidance's headings, in its order, for a page to list."""
    groups: dict[str, list[AttendanceCode]] = {}
    for code in CODES.values():
        groups.setdefault(code.group, []).append(code)
    return list(groups.items())


SHORT_LABELS = {
    PRESENT_AM: "Present",
    PRESENT_PM: "Present",
    LATE: "Late",
    NOT_YET_ESTABLISHED: "Absent, reason not known",
    "I": "I: Ill",
    "M": "M: Medical or dental appointment",
    "B": "B: Approved educational activity",
    "C2": "C2: Part-time timetable",
    "O": "O: Absent, unauthorised",
    "U": "U: Arrived after the register closed",
}


def short_label(code: str) -> str:
    """What a register's button for the code says."""
    return SHORT_LABELS.get(code) or f"{code}: {CODES[code].meaning}"
