"""The parent's page says who teaches each child and how to write to them, and how to reach
the programme when it has a contact set."""

import pytest

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from ap_field.pupils.services import assign, end_assignment
from tests.helpers import text_of


@pytest.fixture
def children(make_pupil, make_user):
    jayden, mia = make_pupil(legal_name="Jayden Clarke"), make_pupil(legal_name="Mia Clarke")
    assign(jayden, make_user(Role.TEACHER, name="Tom Okafor", email="tom.ok@example.org"), None)
    assign(mia, make_user(Role.TEACHER, name="Tia Ward", email="tia.ward@example.org"), None)
    return jayden, mia


@pytest.fixture
def parent(make_parent, children):
    parent = make_parent(children[0], name="Donna Clarke")
    db.session.add(ParentLink(parent=parent, pupil=children[1], relationship="Mother"))
    db.session.commit()
    return parent


def teachers_said(page) -> list[tuple[str, str | None]]:
    return [
        (" ".join(line.get_text().split()), line.a["href"] if line.a else None)
        for line in page.select("[data-teacher]")
    ]


def test_each_child_names_their_teacher_with_a_link_to_write_to_them(parent, phone_of):
    page = phone_of(parent).get("/my-child")
    assert teachers_said(page) == [
        (
            "Jayden Clarke's community teacher is Tom Okafor. To reach them, email "
            "tom.ok@example.org.",
            "mailto:tom.ok@example.org",
        ),
        (
            "Mia Clarke's community teacher is Tia Ward. To reach them, email "
            "tia.ward@example.org.",
            "mailto:tia.ward@example.org",
        ),
    ]
    assert page.select_one("[data-programme-contact]") is None


def test_a_child_between_teachers_says_so(parent, children, phone_of):
    end_assignment(children[1], "Moved away")
    page = phone_of(parent).get("/my-child")
    assert teachers_said(page)[1] == ("Mia Clarke has no community teacher at the moment.", None)


@pytest.mark.parametrize(
    ("phone", "email", "said"),
    [
        ("01632 960 000", "", "call 01632 960 000."),
        ("", "ap@example.org", "email ap@example.org."),
        ("01632 960 000", "ap@example.org", "call 01632 960 000 or email ap@example.org."),
    ],
)
def test_the_programmes_contact_when_it_has_one(app, parent, phone_of, phone, email, said):
    app.config.update(PROGRAMME_CONTACT_PHONE=phone, PROGRAMME_CONTACT_EMAIL=email)
    page = phone_of(parent).get("/my-child")
    contact = page.select_one("[data-programme-contact]")
    assert text_of(page, "[data-programme-contact]").endswith(f"talk to someone else, {said}")
    links = [link["href"] for link in contact.select("a")]
    assert links == ["tel:01632960000"] * bool(phone) + ["mailto:ap@example.org"] * bool(email)
