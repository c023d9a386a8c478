"""What makes a password acceptable.

NCSC guidance favours length (three random words) over complexity rules, and
NIST SP 800-63B asks that passwords found in breach corpuses are refused.
zxcvbn carries frequency lists of leaked passwords and the patterns people use
to dress them up (l33t, dates, keyboard walks), and needs no network.
"""

import re

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn: "safely unguessable", roughly 10^8 guesses or more


def password_problem(password: str, personal: list[str] = ()) -> str | None:
    """A sentence telling the user what to change, or None when the password is fine."""
    if len(password) < MIN_LENGTH:
        return f"Password must be at least {MIN_LENGTH} characters. Three random words work well."
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    words = _words(personal)
    if _built_on_personal_words(password, words):
        return "Do not build your password from your name or email address"
    # zxcvbn's lists are some 12 MB in each app worker, which most never need: loaded with
    # the worker's first password to check.
    from zxcvbn import zxcvbn

    result = zxcvbn(password, user_inputs=words, max_length=MAX_LENGTH)
    if _built_on_a_leaked_password(result):
        return "This password appears in lists of leaked passwords. Choose a different one."
    if result["score"] < MIN_SCORE:
        return "This password is too easy to guess. Add another word or two that are not about you."
    return None


def _built_on_a_leaked_password(result: dict) -> bool:
    """A leaked password, perhaps dressed up with digits and symbols ("Summer2024!!").

    Several words that each appear in a leak list ("lantern-orchard-pebble") are fine:
    it is one leaked word with nothing but digits and symbols around it that is refused.
    """
    leaked = [
        match
        for match in result["sequence"]
        if match["pattern"] == "dictionary" and match.get("dictionary_name") == "passwords"
    ]
    leaked_words = [match for match in leaked if _has_letters(match["token"])]
    rest = "".join(match["token"] for match in result["sequence"] if match not in leaked)
    return len(leaked_words) == 1 and not _has_letters(rest)


def _built_on_personal_words(password: str, words: list[str]) -> bool:
    """Little but the person's own name or email is left once those words are taken out."""
    rest = password.lower()
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return rest != password.lower() and sum(character.isalpha() for character in rest) < 6


def _words(personal: list[str]) -> list[str]:
    """'Jessica Okonkwo' and 'j.okonkwo@example.org' become the words a guesser would try."""
    return [
        word.lower()
        for text in personal
        if text
        for word in re.split(r"[\W_]+", text)
        if len(word) > 2
    ]


def _has_letters(text: str) -> bool:
    return any(character.isalpha() for character in text)
