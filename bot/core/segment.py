"""Text -> paragraphs -> sentences, keeping where each piece came from.

Paragraphs are split on blank lines; a text with no blank line (a paste from a CMS, the
seed article) has one paragraph per non-empty line. The noise a Slack or markdown paste
brings (bullets, ``>`` quotes, ``*bold*``, ``<url|label>`` links) is removed from the text
that is compared and shown, while ``start``/``end`` still point into the original input.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.core.errors import EmptyInput


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


@dataclass(frozen=True)
class Document:
    source: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    title: str | None = None


_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")

# Slack's own markup: <https://x|label>, <https://x>, <@U123>, <#C123|name>, <!here>.
_SLACK_LINK_LABEL = re.compile(r"<(?:https?|mailto):[^|>\s]+\|([^>]+)>")
_SLACK_LINK_BARE = re.compile(r"<((?:https?|mailto):[^|>\s]+)>")
_SLACK_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]+)>")
_SLACK_SPECIAL = re.compile(r"<[@!][^>]*>")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://|mailto:)[^)\s]+\)")
_LINE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*(?:#{1,6}[ \t]+|[-*+•‣◦▪][ \t]+|\d{1,3}[.)][ \t]+)?")
# Emphasis markers only where they wrap a word, so "3*4", snake_case and "_" alone survive.
_EMPHASIS = re.compile(r"(?<![\w*_~`])(\*\*|__|[*_~`])(?=\S)(.+?)(?<=\S)\1(?![\w*_~`])")
_RULE_ONLY = re.compile(r"^[\W_]*$")


def clean(text: str) -> str:
    """Remove Slack/markdown markup from one paragraph and collapse its whitespace."""
    text = _SLACK_LINK_LABEL.sub(r"\1", text)
    text = _SLACK_LINK_BARE.sub(r"\1", text)
    text = _SLACK_CHANNEL.sub(r"#\1", text)
    text = _SLACK_SPECIAL.sub("", text)
    text = html.unescape(text)  # Slack escapes &, < and > in message text
    text = _MD_LINK.sub(r"\1", text)
    lines = [_LINE_PREFIX.sub("", line, count=1) for line in text.split("\n")]
    text = " ".join(line.strip() for line in lines if line.strip())
    for _ in range(2):  # nested emphasis such as *_word_*
        text = _EMPHASIS.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each raw paragraph: blank-line blocks, or lines when there are none."""
    separator = _BLANK_LINE if _BLANK_LINE.search(text) else re.compile(r"\n")
    spans, start = [], 0
    for match in separator.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


# Words that end with a period without ending the sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt gen gov sen rep lt col capt sgt maj cmdr rev hon
    vs etc e.g i.e cf al approx dept est fig inc ltd co corp no nos vol pp ft
    jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.m p.m""".split()
)
# Abbreviations that often end a sentence too ("...at 5 p.m. The mayor..."): these end one
# only when a common sentence opener follows.
_AMBIGUOUS = frozenset("etc inc ltd co corp u.s u.k u.n e.u a.m p.m jr sr".split())
_OPENERS = frozenset(
    """the a an he she it they we i you but and in on at this that these those there his her
    its their our as after before when while however meanwhile officials police""".split()
)
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+")


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split a cleaned paragraph into sentences with offsets (rule-based, news-aware)."""
    lowercase_text = not any(ch.isupper() for ch in text)
    sentences, start = [], 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        following = text[end:]
        if not following:
            break
        if not _starts_sentence(following, lowercase_text):
            continue
        before = text[start : match.start() + 1]
        if text[match.start()] == "." and _ends_in_abbreviation(before, following):
            continue
        sentences.append(_sentence(text, start, match.end()))
        start = end
    if text[start:].strip():
        sentences.append(_sentence(text, start, len(text)))
    return tuple(sentences)


def _starts_sentence(following: str, lowercase_text: bool) -> bool:
    first = following.lstrip("\"'“‘([")[:1]
    return bool(first) and (first.isupper() or first.isdigit() or lowercase_text)


def _ends_in_abbreviation(before: str, following: str) -> bool:
    words = before.split()
    if not words:
        return False
    word = words[-1].lstrip("\"'“‘([").rstrip(".").lower()
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    if word not in _ABBREVIATIONS:
        return False
    if word in _AMBIGUOUS:
        next_word = re.sub(r"\W", "", following.split(maxsplit=1)[0]).lower()
        return next_word not in _OPENERS
    return True


def _sentence(text: str, start: int, end: int) -> Sentence:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk) - len(chunk.rstrip())
    return Sentence(chunk.strip(), start + lead, end - trail)


def segment(text: str, *, source: str = "-", title: str | None = None) -> Document:
    """Split a text into cleaned paragraphs and sentences. Raises EmptyInput if nothing is left."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for start, end in paragraph_spans(text):
        cleaned = clean(text[start:end])
        if _RULE_ONLY.match(cleaned):  # "---", "***", a lone emoji code: nothing to compare
            continue
        paragraphs.append(Paragraph(cleaned, start, end, split_sentences(cleaned)))
    if not paragraphs:
        raise EmptyInput(f"{source}: there is no text to check. Paste an article or a link.")
    return Document(source=source, text=text, paragraphs=tuple(paragraphs), title=title)
