"""The one way every remove and delete asks first (docs/architecture.md, "Removing things"): a
page that says what goes and what follows, with a warning button that posts to the same address
and a way back. The list the person came from shows a link, never a button that removes at one
tap, so no tap meant for something else removes anything."""

from flask import render_template, request


def confirmation_page(
    *, title: str, consequence: str, button: str, back_url: str, outbox: str, caption: str = ""
):
    return render_template(
        "components/confirm.html",
        title=title,
        consequence=consequence,
        button=button,
        back_url=back_url,
        outbox=outbox,
        caption=caption,
        action=request.path,
    )
