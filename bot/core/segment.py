"""Text -> paragraphs -> sentences, keeping where each piece came from.

Paragraphs are split on blank lines; a text with no blank line between its lines (a
word-processor draft, a copied Slack thread, the seed article) has one paragraph per line.
Headings and each bullet are paragraphs of their own. Lines a paste brings that are not the
article (bot/core/paste.py: thread headers, the asker's lead-in, emoji lines) are dropped;
markup (bot/core/markup.py) is removed from the text that is compared and shown, while
``start``/``end`` still point into the text exactly as given. Every step is linear in the
length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.errors import EmptyInput
from bot.core.markup import clean_markup, is_bold_line, line_marker
from bot.core.paste import is_emoji_line, is_lead_in, is_thread_chrome, strip_edited


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offsets into the cleaned paragraph text
    end: int


@dataclass(frozen=True)
class Paragraph:
    text: str  # cleaned: what is compared and shown
    start: int  # offsets into the document's original text
    end: int
    sentences: tuple[Sentence, ...]
    # The index of the paragraph that opens its bulleted or numbered list (None: not a list
    # item). Items of one list are separate entries (fares, opening hours), never restatements.
    list_start: int | None = None
    # A heading or a headline: it announces what follows, so it repeats the paragraph under it
    # by design and pairs only as a copy.
    heading: bool = False


@dataclass(frozen=True)
class Document:
    source: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    title: str | None = None


_ALNUM = re.compile(r"[^\W_]")


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # offsets of the line's text in the document, line break excluded
    end: int
    kind: str  # "blank", "drop" (not article text), "heading", "bullet", "text"
    indented: bool = False


def clean(text: str) -> str:
    """Remove Slack/markdown markup from one paragraph and collapse its whitespace.

    Kept for callers of this module; the work is ``bot.core.markup.clean_markup``."""
    return clean_markup(text)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) in ``text`` of each paragraph, before cleaning.

    Blank lines separate paragraphs; where no blank line separates two lines of the article,
    every line is a paragraph. A heading (``#``, ``**Heading**``) and each bullet are
    paragraphs of their own either way. Lines that are not the article (a Slack thread's
    "Name  9:14 AM" headers, the asker's lead-in, emoji lines) are left out, and separate
    paragraphs like a blank line. In a copied Slack thread every line is a paragraph even
    where messages have blank lines: Slack shows each line as typed, so a line break there
    is the writer's ("new top:" then the new top), never a wrap.
    """
    lines = _classify(text)
    kept = [k for k, line in enumerate(lines) if line.kind not in ("blank", "drop")]
    wraps = any(  # single newlines inside a paragraph are wraps, not breaks
        lines[k].kind == "blank"
        for a, b in zip(kept, kept[1:], strict=False)
        for k in range(a + 1, b)
    ) and not any(
        line.kind == "drop" and is_thread_chrome(text[line.start : line.end]) for line in lines
    )
    spans: list[tuple[int, int]] = []
    previous: _Line | None = None  # the line before, when it belongs to the open paragraph
    for line in lines:
        if line.kind in ("blank", "drop"):
            previous = None
            continue
        joins = (
            wraps
            and previous is not None
            and previous.kind != "heading"
            and line.kind == "text"
            and (previous.kind == "text" or line.indented)  # a bullet's continuation line
        )
        if joins:
            spans[-1] = (spans[-1][0], line.end)
        else:
            spans.append((line.start, line.end))
        previous = line
    return spans


def _classify(text: str) -> list[_Line]:
    """Each line of ``text`` (``\\n``, ``\\r\\n`` or ``\\r`` ends one) with its kind."""
    lines: list[_Line] = []
    position, size = 0, len(text)
    # The next "\n" and "\r", each looked up again only once passed: a text without one of
    # them must not be searched to its end for every line.
    newline, carriage = text.find("\n"), text.find("\r")
    while True:
        if 0 <= newline < position:
            newline = text.find("\n", position)
        if 0 <= carriage < position:
            carriage = text.find("\r", position)
        end = min((k for k in (newline, carriage) if k >= 0), default=-1)
        lines.append(_line(text, position, size if end < 0 else end))
        if end < 0:
            break
        position = end + (2 if text.startswith("\r\n", end) else 1)
    _drop_lead_in(text, lines)
    return lines


def _line(text: str, start: int, end: int) -> _Line:
    raw = text[start:end]
    body = raw.strip()
    if not body:
        return _Line(start, end, "blank")
    lead = len(raw) - len(raw.lstrip())
    span = (start + lead, start + lead + len(body))
    if not _has_words(body) or is_thread_chrome(body) or is_emoji_line(body):
        return _Line(*span, "drop")
    return _Line(*span, _marked_kind(body), indented=lead > 0)


def _marked_kind(body: str) -> str:
    """What a line's markup makes it: "heading" (``#``, a line all in bold), "bullet" or
    "text"."""
    marker = line_marker(body)
    if marker.kind in ("heading", "bullet"):
        return marker.kind
    return "heading" if is_bold_line(body[marker.text_start :]) else "text"


# A first line this short with no closing punctuation is the story's headline.
_HEADLINE_WORDS = 16
_CLOSED = re.compile(r"[.!?:;\"'”’)]$")


def _is_headline(cleaned: str) -> bool:
    return ("\n" not in cleaned and len(cleaned.split()) <= _HEADLINE_WORDS
            and _CLOSED.search(cleaned) is None)


def _has_words(line: str) -> bool:
    """Whether a line has anything to compare once its markup is gone ("---", "> " have not)."""
    if _ALNUM.search(line) is None:
        return False
    # Only a Slack token or an entity can hide all of a line's words ("<!here>", "&gt;").
    return ("<" not in line and "&" not in line) or _ALNUM.search(clean_markup(line)) is not None


def _drop_lead_in(text: str, lines: list[_Line]) -> None:
    """Mark the asker's lead-in line(s) before the article, at most two, as not the article.

    Only when article text follows, so that a short paste is never emptied."""
    content = [k for k, line in enumerate(lines) if line.kind not in ("blank", "drop")]
    for k in content[:2]:
        line = lines[k]
        if k == content[-1] or not is_lead_in(text[line.start : line.end]):
            break
        lines[k] = _Line(line.start, line.end, "drop")


# Words that end with a period without ending the sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt gen gov sen rep lt col capt sgt maj cmdr rev hon
    vs etc e.g i.e cf al approx dept est fig inc ltd co corp no nos vol pp ft
    jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.m p.m""".split()
)
# Abbreviations that often end a sentence too ("...at 5 p.m. The mayor..."): these end one
# only when a common sentence opener follows. Initials and dotted letters ("N.Y.") are
# treated the same way.
_AMBIGUOUS = frozenset("etc inc ltd co corp u.s u.k u.n e.u a.m p.m jr sr st no".split())
_OPENERS = frozenset(
    """the a an he she it they we i you but and in on at this that these those there his her
    its their our as after before when while however meanwhile officials police""".split()
)
# Possessive quantifiers and the look-behind keep it from rescanning a run of punctuation.
_MAX_WORD = 40  # longer "words" are never abbreviations; bounds the look-around
# The word after it is looked at, not consumed (it may end a sentence itself).
_BOUNDARY = re.compile(
    r"(?<![.!?…])(?P<punct>[.!?…]++)[\"'”’)\]]*+(?P<space>\s++)"
    rf"(?=(?P<next>\S{{1,{_MAX_WORD}}}))?"
)
_OPENING_QUOTES = "\"'“‘(["
_DOTTED = re.compile(r"[^\W\d_](?:\.[^\W\d_])+")
_NON_WORD = re.compile(r"\W")


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split a cleaned paragraph into sentences with offsets (rule-based, news-aware).

    A boundary is terminal punctuation, optional closing quotes or brackets, then whitespace;
    it ends a sentence when what follows opens one and what precedes is not an abbreviation.
    The boundary pattern starts only where a run of punctuation starts and never backtracks,
    and only a bounded word on either side is looked at, so the time is linear in the
    paragraph whatever it holds (runs of dots, "Mr. Mr. Mr. ...").
    """
    lowercase_text = text == text.lower()
    sentences: list[Sentence] = []
    start, size = 0, len(text)
    for boundary in _BOUNDARY.finditer(text):
        following = boundary.group("next")
        if following is None:  # the end of the text
            break
        first = following.lstrip(_OPENING_QUOTES)[:1]
        if not (first.isupper() or first.isdigit() or (lowercase_text and first)):
            continue
        if boundary.group("punct") == "." and _ends_in_abbreviation(
            text, boundary.start(), following
        ):
            continue
        end = boundary.start("space")
        if start == 0:
            sentences.append(_sentence(text, 0, end))
        else:
            sentences.append(Sentence(text[start:end], start, end))
        start = boundary.end()
    if text[start:].strip():
        sentences.append(_sentence(text, start, size))
    return tuple(sentences)


def _ends_in_abbreviation(text: str, period: int, following: str) -> bool:
    """Whether the word before ``text[period]`` (a single ".") is an abbreviation, given the
    word that ``following`` begins with."""
    words = text[max(0, period - _MAX_WORD) : period].rsplit(None, 1)
    word = words[-1].lstrip(_OPENING_QUOTES).lower() if words else ""
    if not word:
        return False
    initial = len(word) == 1 and word.isalpha()  # "J. Smith"
    dotted = "." in word and _DOTTED.fullmatch(word) is not None  # "N.Y", "D.C"
    if not initial and not dotted and word not in _ABBREVIATIONS:
        return False
    if initial or dotted or word in _AMBIGUOUS:
        return _NON_WORD.sub("", following).lower() not in _OPENERS
    return True


def _sentence(text: str, start: int, end: int) -> Sentence:
    chunk = text[start:end]
    stripped = chunk.strip()
    if len(stripped) == len(chunk):
        return Sentence(chunk, start, end)
    lead = len(chunk) - len(chunk.lstrip())
    return Sentence(stripped, start + lead, start + lead + len(stripped))


def segment(text: str, *, source: str = "-", title: str | None = None) -> Document:
    """Split a text into cleaned paragraphs and sentences. Raises EmptyInput if nothing is left."""
    paragraphs: list[Paragraph] = []
    for start, end in paragraph_spans(text):
        chunk = text[start:end]
        if "(edited)" in chunk:  # Slack's mark at the end of an edited message's lines
            chunk = "\n".join(strip_edited(line) for line in chunk.splitlines())
        cleaned = clean_markup(chunk)
        if _ALNUM.search(cleaned) is None:  # "---", "***": nothing to compare
            continue
        list_start = None
        if line_marker(chunk).kind == "bullet":
            previous = paragraphs[-1].list_start if paragraphs else None
            list_start = len(paragraphs) if previous is None else previous
        body = chunk.strip()
        heading = ("\n" not in body and _marked_kind(body) == "heading") or (
            not paragraphs and _is_headline(cleaned))
        paragraphs.append(
            Paragraph(cleaned, start, end, split_sentences(cleaned), list_start, heading))
    if not paragraphs:
        raise EmptyInput(f"{source}: there is no text to check. Paste an article or a link.")
    return Document(source=source, text=text, paragraphs=tuple(paragraphs), title=title)
