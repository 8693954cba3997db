"""Report -> Slack messages (Block Kit with a plain-text fallback), and the bot's short replies.

Every message is ``{"text": fallback, "blocks": [...]}``. A long report is split across
several messages so that each stays inside Slack's limits (50 blocks, 3000 characters per
section text, 2000 per field, 40000 of message text): Slack rejects a message over them,
and a report must never fail to arrive because it is long.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from bot.core.analyze import Report
from bot.core.facts import Conflict
from bot.core.pairs import Pair, ParagraphRef, SentencePair, SentenceRef
from bot.core.seen_before import SeenBefore, StoryRef
from bot.core.segment import Document
from bot.render.labels import KIND_WORDS, article_letter, paragraph_label, sentence_label, trim

Message = dict[str, Any]
Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_FIELD_CHARS = 2000
MAX_HEADER_CHARS = 150
MAX_TEXT_CHARS = 40_000
# Far below MAX_TEXT_CHARS: a message of a few screens reads better than one of twenty.
MESSAGE_BUDGET_CHARS = 12_000
PASSAGE_CHARS = 300
MAX_LISTED = 200  # pairs and sentence pairs shown; the rest are counted, not listed
MAX_CONFLICTS = 8
STORY_TITLE_CHARS = 80

KIND_EMOJI = {"exact": "🔁", "near_verbatim": "📝", "paraphrase": "♻️", "conflicting": "⚠️"}

USAGE = (
    "*checkdupes* finds passages an article says twice: copies, paraphrases and repeated "
    "claims whose facts differ (\"11 injured\" vs \"15 injured\"), then sums the article up.\n"
    # &lt; &gt;: a bare <...> is Slack's link syntax, even between backticks.
    "• `/checkdupes &lt;article text&gt;` or `/checkdupes &lt;link&gt;`: the answer goes in "
    "a thread.\n"
    "• Mention me with the text or a link, or mention me in a thread to check its first "
    "message.\n"
    "• Send me the article in a direct message (long pastes as a snippet or .txt/.md file "
    "are fine).\n"
    "• On any message: ⋮ More actions > *Check for duplicates*.\n"
    "Two articles: separate them with a line of `---`, send two snippets, or two links.\n"
    "Where the bot keeps an archive, passages that repeat a story checked earlier are shown "
    "under *Seen before*, with its link and date:\n"
    "• `/checkdupes archive off` (or `on`): stop (or go back to) keeping the articles checked "
    "in this channel; they are still compared with the archive.\n"
    "• `/checkdupes forget &lt;link&gt;`: remove a story from the archive."
)


def escape(text: str) -> str:
    """Slack mrkdwn needs &, < and > escaped, which also keeps <!channel> in a quote inert."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def text_message(text: str) -> Message:
    """A short reply: one section, its text as the fallback too."""
    text = trim(text, MAX_SECTION_CHARS)
    return {"text": text, "blocks": [_section(text)]}


def usage_message() -> Message:
    return text_message(USAGE)


def error_message(reason: str) -> Message:
    """A CheckdupesError's one-line explanation, as the user sees it."""
    return text_message(f"⚠️ {escape(reason)}")


def failure_message() -> Message:
    return text_message(
        "⚠️ Something went wrong while checking this message. It has been logged; "
        "please try again in a minute."
    )


def busy_message() -> Message:
    return text_message(
        "⏳ I'm busy with other articles right now and could not take this one. "
        "Please try again in a minute."
    )


def checking_message(paragraphs: int, user: str | None) -> Message:
    who = f" from <@{user}>" if user else ""
    noun = "paragraph" if paragraphs == 1 else "paragraphs"
    return text_message(f"Checking {paragraphs} {noun}{who}… the report follows in this thread.")


@dataclass(frozen=True)
class _Item:
    """Blocks that belong together (one pair) and their plain-text rendering."""

    blocks: tuple[Block, ...]
    text: str


def render_report(report: Report) -> list[Message]:
    """The report as one or more messages, in the order they are to be posted."""
    labels = _Labels(report.documents)
    items = [_heading(report, labels)]
    pairs = report.pairs[:MAX_LISTED]
    items += [_pair(pair, labels) for pair in pairs]
    items += [_sentence_pair(p, labels) for p in report.sentence_pairs[: MAX_LISTED - len(pairs)]]
    items += _not_listed(len(report.pairs) + len(report.sentence_pairs))
    if report.seen_before is not None:
        items += _seen_before(report.seen_before, labels)
    if report.summary:
        items.append(_summary(report.summary))
    return _pack(items)


def _not_listed(total: int) -> list[_Item]:
    if total <= MAX_LISTED:
        return []
    note = f"…and {total - MAX_LISTED} more, not listed (the first {MAX_LISTED} are above)."
    return [_Item((_context(note),), note)]


class _Labels:
    """Passage numbers and texts as readers see them (labels.py: 1-based, A/B for two)."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = documents
        self.prefixed = len(documents) > 1

    def paragraph(self, ref: ParagraphRef) -> str:
        return paragraph_label(ref, len(self.documents))

    def sentence(self, ref: SentenceRef) -> str:
        return sentence_label(ref, len(self.documents))

    def paragraph_text(self, ref: ParagraphRef) -> str:
        return self.documents[ref.doc].paragraphs[ref.paragraph].text

    def sentence_text(self, ref: SentenceRef) -> str:
        return self.documents[ref.doc].paragraphs[ref.paragraph].sentences[ref.sentence].text


def _heading(report: Report, labels: _Labels) -> _Item:
    paragraphs = sum(len(d.paragraphs) for d in report.documents)
    where = f"{paragraphs} paragraph{'s' if paragraphs != 1 else ''}"
    if labels.prefixed:
        where += f" of {len(report.documents)} articles"
    found = []
    if report.pairs:
        found.append(_count(len(report.pairs), "repeated passage"))
    if report.sentence_pairs:
        found.append(_count(len(report.sentence_pairs), "repeated sentence"))
    conflicts = sum(p.kind == "conflicting" for p in report.pairs) + sum(
        p.kind == "conflicting" for p in report.sentence_pairs
    )
    if conflicts:
        found.append(f"{conflicts} with differing facts")
    if report.seen_before:
        found.append(f"{len(report.seen_before)} seen before")
    title = f"{', '.join(found)} in {where}" if found else f"No repeated passages in {where}."
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": trim(title, MAX_HEADER_CHARS),
                                    "emoji": True}}
    ]
    text = title
    if labels.prefixed:
        names = " · ".join(
            f"*{article_letter(k)}*: {escape(trim(d.title or d.source, 140))}"
            for k, d in enumerate(report.documents)
        )
        blocks.append(_context(names))
        text += "\n" + names
    return _Item(tuple(blocks), text)


def _pair(pair: Pair, labels: _Labels) -> _Item:
    return _side_by_side(
        labels.paragraph(pair.a), labels.paragraph(pair.b), pair.kind, pair.score,
        labels.paragraph_text(pair.a), labels.paragraph_text(pair.b), _differs(pair.conflicts),
    )


def _sentence_pair(pair: SentencePair, labels: _Labels) -> _Item:
    return _side_by_side(
        labels.sentence(pair.a), labels.sentence(pair.b), pair.kind, pair.score,
        labels.sentence_text(pair.a), labels.sentence_text(pair.b), _differs(pair.conflicts),
    )


def _seen_before(entries: Sequence[SeenBefore], labels: _Labels) -> list[_Item]:
    """Passages that repeat stories checked earlier: this article's side first, then the
    story's, with its link and the date it was checked."""
    if not entries:
        note = "🗄️ Seen before: nothing here repeats a story checked earlier."
        return [_Item((_context(note),), note)]
    title = "*Seen before* · passages that repeat stories checked earlier"
    items = [_Item(({"type": "divider"}, _section(title)), title)]
    for seen in entries[:MAX_LISTED]:
        story = seen.story
        old = f"¶{seen.story_paragraph + 1} of {_story_name(story, quoted=True)}"
        notes = [f"🔗 {_story_link(story)} · checked {_date(story)}",
                 *_differs(seen.conflicts, before="before ", now="now ")]
        items.append(_side_by_side(
            labels.paragraph(seen.paragraph), old, seen.kind, seen.score,
            labels.paragraph_text(seen.paragraph), seen.story_text, notes,
        ))
    return items + _not_listed(len(entries))


def _story_name(story: StoryRef, *, quoted: bool = False) -> str:
    """Its title, else what its link is: a Slack message, a web page, or a paste (no link)."""
    if story.title:
        title = escape(trim(story.title, STORY_TITLE_CHARS))
        return f"“{title}”" if quoted else title
    parts = urlsplit(story.source)
    if parts.scheme not in ("http", "https"):
        return "an earlier paste"  # known by its content (text:…): nothing to link to
    if (parts.hostname or "").endswith("slack.com") and parts.path.startswith("/archives/"):
        return "a Slack message"
    return escape(trim(f"{parts.hostname}{parts.path}", STORY_TITLE_CHARS))


def _story_link(story: StoryRef) -> str:
    name = _story_name(story)
    if not story.source.startswith(("http://", "https://")):
        return name
    # Inside <url|name>, a | or > in the URL would end it early.
    url = escape(story.source).replace("|", "%7C")
    return f"<{url}|{name}>"


def _date(story: StoryRef) -> str:
    """Shown in each reader's time zone by Slack ("yesterday", "Nov 24"), UTC as fallback."""
    when = story.checked_at.astimezone(UTC)
    fallback = when.strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(when.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _differs(conflicts: Sequence[Conflict], *, before: str = "", now: str = "") -> list[str]:
    """The facts that differ, as one line ("Differs: 11 → 15"); none: no line."""
    if not conflicts:
        return []
    shown = ", ".join(
        f"{before}{escape(c.a)} → {now}{escape(c.b)}" for c in conflicts[:MAX_CONFLICTS]
    )
    hidden = len(conflicts) - MAX_CONFLICTS
    more = f" (+{hidden} more)" if hidden > 0 else ""
    return [f"Differs: {shown}{more}"]


def _side_by_side(
    a: str,
    b: str,
    kind: str,
    score: float,
    text_a: str,
    text_b: str,
    notes: Sequence[str] = (),
) -> _Item:
    """Two passages side by side under "*a ↔ b* · kind · score" and the `notes` lines."""
    emoji, word = KIND_EMOJI.get(kind, "•"), KIND_WORDS.get(kind, kind)
    heading = "\n".join([f"*{a} ↔ {b}* · {emoji} {word} · {score:.2f}", *notes])
    heading = trim(heading, MAX_SECTION_CHARS)
    quote_a = f"*{a}*\n>{escape(trim(text_a, PASSAGE_CHARS))}"
    quote_b = f"*{b}*\n>{escape(trim(text_b, PASSAGE_CHARS))}"
    block = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": heading},
        # Two fields render side by side on desktop, stacked on a phone.
        "fields": [
            {"type": "mrkdwn", "text": trim(quote_a, MAX_FIELD_CHARS)},
            {"type": "mrkdwn", "text": trim(quote_b, MAX_FIELD_CHARS)},
        ],
    }
    return _Item((block,), f"{heading}\n{quote_a}\n{quote_b}")


def _summary(sentences: Sequence[str]) -> _Item:
    per_sentence = max(200, (MAX_SECTION_CHARS - 100) // max(1, len(sentences)))
    lines = "\n".join(f"• {escape(trim(s, per_sentence))}" for s in sentences)
    text = trim(f"*Summary*\n{lines}", MAX_SECTION_CHARS)
    return _Item(({"type": "divider"}, _section(text)), text)


def _pack(items: Sequence[_Item]) -> list[Message]:
    """Group items into messages within the block and character budgets, keeping order."""
    groups: list[list[_Item]] = [[]]
    blocks = chars = 0
    for item in items:
        # Room for the "part n of m" context block a continued report gets.
        over_blocks = blocks + len(item.blocks) > MAX_BLOCKS - 1
        over_chars = chars + len(item.text) > MESSAGE_BUDGET_CHARS
        if groups[-1] and (over_blocks or over_chars):
            groups.append([])
            blocks = chars = 0
        groups[-1].append(item)
        blocks += len(item.blocks)
        chars += len(item.text) + 1
    messages = []
    for number, group in enumerate(groups, 1):
        message_blocks = [block for item in group for block in item.blocks]
        text = "\n".join(item.text for item in group)
        if len(groups) > 1:
            part = f"Part {number} of {len(groups)}"
            message_blocks.append(_context(part))
            # The fallback is also the notification preview: later parts say so up front.
            text = f"{text}\n({part})" if number == 1 else f"({part})\n{text}"
        messages.append({"text": trim(text, MAX_TEXT_CHARS - 1), "blocks": message_blocks})
    return messages


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": trim(text, MAX_SECTION_CHARS)}}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": trim(text, 3000)}]}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"
