"""Check templates written as plain text, so an admin can add a version without code:

    # Workplace conditions
    - General suitability of workplace conditions
    - Housekeeping
    # Higher-risk settings [higher risk]
    - Machinery the pupil may use is guarded

A line starting "# " opens a section; "[higher risk]" at its end means the section is asked
only in a higher-risk setting. A line starting "- " is an item of the section above it.
"""

from dataclasses import dataclass, field

HIGHER_RISK_MARK = "[higher risk]"
MAX_SECTION_TITLE = 200
MAX_ITEM_TEXT = 500


@dataclass
class SectionText:
    title: str
    higher_risk_only: bool = False
    items: list[str] = field(default_factory=list)


class TemplateTextError(ValueError):
    pass


def _section(line: str, number: int) -> SectionText:
    title = line[2:].strip()
    higher_risk = title.lower().endswith(HIGHER_RISK_MARK)
    if higher_risk:
        title = title[: -len(HIGHER_RISK_MARK)].strip()
    if not title:
        raise TemplateTextError(f"Line {number}: write the section's title after the #")
    if len(title) > MAX_SECTION_TITLE:
        raise TemplateTextError(
            f"Line {number}: a section title must be {MAX_SECTION_TITLE} characters or fewer"
        )
    return SectionText(title, higher_risk)


def parse_template_text(text: str) -> list[SectionText]:
    sections: list[SectionText] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            sections.append(_section(line, number))
        elif line.startswith("-"):
            item = line[1:].strip()
            if not sections:
                raise TemplateTextError(f"Line {number}: start with a section, like # Fire safety")
            if not item:
                raise TemplateTextError(f"Line {number}: write the item after the -")
            if len(item) > MAX_ITEM_TEXT:
                raise TemplateTextError(
                    f"Line {number}: an item must be {MAX_ITEM_TEXT} characters or fewer"
                )
            sections[-1].items.append(item)
        else:
            raise TemplateTextError(
                f"Line {number}: start the line with # for a section or - for an item"
            )
    if not sections:
        raise TemplateTextError("Write at least one section, like # Fire safety")
    for section in sections:
        if not section.items:
            raise TemplateTextError(f"Section “{section.title}” needs at least one item")
    return sections


def template_as_text(template) -> str:
    """A template version written out in the same form, to start the next version from."""
    lines = []
    for section in template.sections:
        mark = f" {HIGHER_RISK_MARK}" if section.higher_risk_only else ""
        lines.append(f"# {section.title}{mark}")
        lines += [f"- {item.text}" for item in section.items]
        lines.append("")
    return "\n".join(lines).strip() + "\n"
