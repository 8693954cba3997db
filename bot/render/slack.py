"""Report -> Slack messages (Block Kit with a plain-text fallback), and the bot's short replies.

A report is something to act on: a one-line verdict ("3 repeats to cut, 1 conflicting fact
to check"), one section per group of paragraphs that say the same thing ("¶1 = ¶14 = ¶27 ·
same wording — cut ¶14, ¶27") with short passages whose differing words are marked, the
kinds with their scores in small print, Seen before, the summary last, and buttons
(bot.slack.listeners.actions answers them).

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
from bot.core.groups import Group, group_pairs
from bot.core.lexical import normalize
from bot.core.pairs import Pair, ParagraphRef, SentencePair, SentenceRef
from bot.core.seen_before import SeenBefore, StoryRef
from bot.core.segment import Document
from bot.render.diff import Segment, mark_values, sides
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
MAX_LISTED = 200  # seen-before entries shown; the rest are counted, not listed
MAX_CONFLICTS = 8
STORY_TITLE_CHARS = 80

MAX_GROUPS = 60  # groups listed; the rest are counted (the cleaned copy still cuts them)
MAX_GROUP_LABELS = 8
MAX_GROUP_PASSAGES = 3  # passages shown under a group besides the kept one
MAX_SENTENCE_PAIRS = 10
EXCERPT_CHARS = 220  # a short passage; the full ones are behind "Show passages"

# ⚠️ is the reaction for "the check failed": a conflict gets a sign of its own.
KIND_EMOJI = {"exact": "🔁", "near_verbatim": "📝", "paraphrase": "♻️", "conflicting": "⚖️"}
# What a group's kind means for the editor, in words (the score comes after, in small print).
GROUP_WORDS = {
    "exact": "same wording",
    "near_verbatim": "nearly the same wording",
    "paraphrase": "same point in other words",
    "conflicting": "same claim, different facts",
}
# Button action ids (bot.slack.listeners.actions answers them).
NOT_A_REPEAT, UNDO = "checkdupes_not_a_repeat", "checkdupes_undo"
CLEANED_COPY, SHOW_PASSAGES, CHECK_AGAIN = (
    "checkdupes_cleaned_copy", "checkdupes_show_passages", "checkdupes_check_again"
)

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
    """Blocks that belong together (one group) and their plain-text rendering.

    ``reserve``: blocks the item may gain later (a group's "marked not a repeat" line, added
    by chat.update), so that an updated message still fits in MAX_BLOCKS.
    """

    blocks: tuple[Block, ...]
    text: str
    reserve: int = 0


def render_report(
    report: Report, *, report_id: str | None = None, note: str | None = None
) -> list[Message]:
    """The report as one or more messages, in the order they are to be posted.

    With ``report_id`` the messages carry buttons ("Not a repeat" per group, then "Cleaned
    copy", "Show passages", "Check again") whose values name that id and a group number, never
    any article text: what a button needs is kept server-side under the id. ``note`` is a
    line above the verdict ("checked again after your edit").
    """
    labels = _Labels(report.documents)
    groups = _groups(report)
    items = [_heading(report, groups, labels, note)]
    items += [_group(g, n, labels, report_id) for n, g in enumerate(groups[:MAX_GROUPS])]
    if len(groups) > MAX_GROUPS:
        hidden = len(groups) - MAX_GROUPS
        note_text = (f"…and {_count(hidden, 'more group')}, not listed"
                     + (" (the cleaned copy applies all the cuts)." if report_id else "."))
        items.append(_Item((_context(note_text),), note_text))
    if report.sentence_pairs:
        items.append(_sentence_pairs(report.sentence_pairs, labels))
    if report.seen_before is not None:
        items += _seen_before(report.seen_before, labels)
    items += _summaries(report, labels)
    if report_id is not None:
        items.append(_report_buttons(report_id, groups))
    return _pack(items)


def _groups(report: Report) -> tuple[Group, ...]:
    # A Report built by hand (tests, old callers) may carry pairs without their groups.
    return report.groups or group_pairs(report.pairs)


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


def verdict(report: Report) -> str:
    """The one line an editor reads first: "3 repeats to cut, 1 conflicting fact to check"."""
    groups = _groups(report)
    found = []
    cut = sum(len(g.cut) for g in groups)
    conflicts = sum(g.conflicting for g in groups)
    if cut:
        found.append(f"{_count(cut, 'repeat')} to cut")
    if conflicts:
        found.append(f"{_count(conflicts, 'conflicting fact')} to check")
    if report.sentence_pairs:
        found.append(_count(len(report.sentence_pairs), "repeated sentence"))
    if report.seen_before:
        found.append(f"{len(report.seen_before)} seen before")
    return ", ".join(found) if found else "No repeats found"


def _heading(report: Report, groups: Sequence[Group], labels: _Labels, note: str | None) -> _Item:
    title = verdict(report)
    paragraphs = sum(len(d.paragraphs) for d in report.documents)
    where = _count(paragraphs, "paragraph")
    if labels.prefixed:
        names = " · ".join(
            f"*{article_letter(k)}*: {escape(trim(d.title or d.source, 140))}"
            for k, d in enumerate(report.documents)
        )
        where += f" of {len(report.documents)} articles · {names}"
    if groups:
        where += f" · {_count(len(groups), 'group')} of passages that say the same thing"
    blocks: list[Block] = []
    if note:
        blocks.append(_context(f"🔄 {note}"))
    header = {"type": "plain_text", "text": trim(title, MAX_HEADER_CHARS), "emoji": True}
    blocks.append({"type": "header", "text": header})
    blocks.append(_context(where))
    text = "\n".join(([f"🔄 {note}"] if note else []) + [title, where])
    return _Item(tuple(blocks), text)


def _group(group: Group, number: int, labels: _Labels, report_id: str | None) -> _Item:
    """One section per group: "¶1 = ¶14 = ¶27 · same wording — cut ¶14, ¶27", the passages
    with what differs marked, and the kinds with their scores last, in small print."""
    kind = group.kinds[0]
    names = [labels.paragraph(r) for r in group.paragraphs]
    shown = " = ".join(names[:MAX_GROUP_LABELS])
    if len(names) > MAX_GROUP_LABELS:
        shown += f" (+{len(names) - MAX_GROUP_LABELS} more)"
    heading = f"{KIND_EMOJI[kind]} *{shown}* · {GROUP_WORDS[kind]} — {_advice(group, labels)}"
    lines = [heading, *_passages(group, labels), _scores(group)]
    text = trim("\n".join(lines), MAX_SECTION_CHARS)
    block: Block = {"type": "section", "block_id": group_block_id(number),
                    "text": {"type": "mrkdwn", "text": text}}
    if report_id is not None:
        block["accessory"] = _button(NOT_A_REPEAT, "Not a repeat", f"{report_id}:{number}")
    return _Item((block,), text, reserve=1)


def _advice(group: Group, labels: _Labels) -> str:
    cut = ", ".join(labels.paragraph(r) for r in group.cut[:MAX_GROUP_LABELS])
    if len(group.cut) > MAX_GROUP_LABELS:
        cut += f" (+{len(group.cut) - MAX_GROUP_LABELS} more)"
    if not group.conflicting:
        return f"cut {cut}"
    check = "check which figure is right"
    return f"{check}; cut {cut}" if cut else check


def _passages(group: Group, labels: _Labels) -> list[str]:
    """Short passages, each text shown once, in reading order: how each differs from the one
    it repeats (words marked), then which paragraphs repeat one of them word for word."""
    marked: dict[ParagraphRef, str] = {}
    by_text: dict[str, ParagraphRef] = {}
    copies: dict[ParagraphRef, list[str]] = {}
    differs: list[str] = []
    hidden = 0

    def show(ref: ParagraphRef, body: str | None = None) -> None:
        key = normalize(labels.paragraph_text(ref))
        if ref in marked or key in by_text:
            return
        by_text[key] = ref
        marked[ref] = body if body is not None else _excerpt(labels.paragraph_text(ref), [], "")

    show(group.keep)
    for ref in group.paragraphs:
        if ref == group.keep:
            continue
        text_ref = labels.paragraph_text(ref)
        pair = _linking_pair(group, ref)
        other = pair.a if pair.b == ref else pair.b
        text_other = labels.paragraph_text(other)
        copy_of = by_text.get(normalize(text_ref))
        if copy_of is None and pair.kind == "exact":
            show(other)
            copy_of = by_text.get(normalize(text_ref))
        if copy_of is not None:
            copies.setdefault(copy_of, []).append(labels.paragraph(ref))
            continue
        if len(marked) > MAX_GROUP_PASSAGES:
            hidden += 1
            continue
        if pair.kind == "near_verbatim":
            removed, added = _word_changes(text_other, text_ref)
            marked[other] = _excerpt(text_other, removed, "~")
            show(ref, _excerpt(text_ref, added, "*"))
        elif pair.kind == "conflicting":
            values_other = [c.a if pair.a == other else c.b for c in pair.conflicts]
            values_ref = [c.b if pair.b == ref else c.a for c in pair.conflicts]
            marked[other] = _excerpt(text_other, _spans_of(text_other, values_other), "*")
            show(ref, _excerpt(text_ref, _spans_of(text_ref, values_ref), "*"))
            differs += _differs(pair.conflicts)
        else:
            show(other)
            show(ref)
    lines = [f">*{labels.paragraph(ref)}* {marked[ref]}" for ref in sorted(marked)]
    for ref, names in copies.items():
        verb = "repeats" if len(names) == 1 else "repeat"
        lines.append(f">{_and(names)} {verb} {labels.paragraph(ref)} word for word")
    if hidden:
        lines.append(f">…and {_count(hidden, 'more passage')} (Show passages has them all)")
    return lines + list(dict.fromkeys(differs))


def _linking_pair(group: Group, ref: ParagraphRef) -> Pair:
    """The pair that ties ``ref`` to the kept paragraph, else any pair it is in."""
    touching = [p for p in group.pairs if ref in (p.a, p.b)]
    direct = [p for p in touching if group.keep in (p.a, p.b)]
    return (direct or touching)[0]


def _scores(group: Group) -> str:
    """Kinds in words with their scores, secondary: how sure, not what to do."""
    parts = []
    for kind in group.kinds:
        scores = [p.score for p in group.pairs if p.kind == kind]
        low, high = min(scores), max(scores)
        span = f"{high:.2f}" if f"{low:.2f}" == f"{high:.2f}" else f"{low:.2f}–{high:.2f}"
        parts.append(f"{KIND_WORDS[kind]} (similarity {span})")
    return f"_{', '.join(parts)}_"


def _word_changes(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character spans of the words only ``a`` has (removed) and only ``b`` has (added)."""
    first, second = sides(a, b)
    return _spans(first, "removed"), _spans(second, "added")


def _spans_of(text: str, values: Sequence[str]) -> list[tuple[int, int]]:
    """Where the differing values stand in ``text`` (whole words), in order."""
    return _spans(mark_values(text, values), "conflict")


def _spans(segments: Sequence[Segment], kind: str) -> list[tuple[int, int]]:
    """The character spans of the segments of one kind (segments join to the passage)."""
    spans, at = [], 0
    for segment in segments:
        if segment.kind == kind and segment.text.strip():
            spans.append((at, at + len(segment.text)))
        at += len(segment.text)
    return spans


def _excerpt(text: str, spans: Sequence[tuple[int, int]], mark: str,
             limit: int = EXCERPT_CHARS) -> str:
    """Up to ``limit`` characters of ``text`` (escaped) around its first marked span, the
    spans wrapped in ``mark`` (``*`` bold, ``~`` strike): the differing words are in view
    however far into the passage they are."""
    start = 0
    if spans and spans[0][0] > limit // 3:
        # Some context before the change, more when the change is near the end.
        before = max(spans[0][0] - limit // 4, 0)
        before = min(before, max(len(text) - limit, 0))
        start = text.rfind(" ", 0, before) + 1
    end = len(text)
    if end - start > limit + 30:  # a few characters over beats cutting the last words
        end = text.rfind(" ", start, start + limit)
        end = start + limit if end <= start else end
    pieces, at = [], start
    for s, e in spans:
        s, e = max(s, at), min(e, end)
        if s >= e:
            continue
        pieces.append(escape(text[at:s]))
        pieces.append(f"{mark}{escape(text[s:e])}{mark}")
        at = e
    pieces.append(escape(text[at:end]))
    body = "".join(pieces).replace("\n", " ")
    return ("…" if start > 0 else "") + body + ("…" if end < len(text) else "")


def _sentence_pairs(pairs: Sequence[SentencePair], labels: _Labels) -> _Item:
    """Single sentences repeated inside paragraphs that are not repeats as a whole."""
    lines = ["*Repeated sentences* · inside paragraphs that differ otherwise"]
    for pair in pairs[:MAX_SENTENCE_PAIRS]:
        words = GROUP_WORDS[pair.kind]
        lines.append(
            f"{KIND_EMOJI[pair.kind]} *{labels.sentence(pair.a)} = {labels.sentence(pair.b)}* "
            f"· {words} _({KIND_WORDS[pair.kind]}, similarity {pair.score:.2f})_"
        )
        lines.append(f">{escape(trim(labels.sentence_text(pair.b), 160))}")
        lines += _differs(pair.conflicts)
    if len(pairs) > MAX_SENTENCE_PAIRS:
        lines.append(f"…and {_count(len(pairs) - MAX_SENTENCE_PAIRS, 'more sentence')}.")
    text = trim("\n".join(lines), MAX_SECTION_CHARS)
    return _Item((_section(text),), text)


def _summaries(report: Report, labels: _Labels) -> list[_Item]:
    """The summary last; two articles get one each, so one never reads as the other's."""
    if not labels.prefixed:
        return [_summary("*Summary*", report.summary)] if report.summary else []
    items = []
    for doc, sentences in enumerate(report.summaries):
        if sentences:
            items.append(_summary(f"*Summary of {article_letter(doc)}*", sentences))
    return items


def _report_buttons(report_id: str, groups: Sequence[Group]) -> _Item:
    buttons = []
    if any(g.cut for g in groups):
        buttons.append(_button(CLEANED_COPY, "Cleaned copy", report_id, style="primary"))
    if groups:
        buttons.append(_button(SHOW_PASSAGES, "Show passages", report_id))
    buttons.append(_button(CHECK_AGAIN, "Check again", report_id))
    return _Item(({"type": "actions", "block_id": "report-actions", "elements": buttons},), "")


def _button(action_id: str, label: str, value: str, *, style: str | None = None) -> Block:
    button: Block = {"type": "button", "action_id": action_id,
                     "text": {"type": "plain_text", "text": label}, "value": value}
    if style:
        button["style"] = style
    return button


def group_block_id(number: int) -> str:
    return f"group-{number}"


def mark_group(blocks: Sequence[Block], number: int, user: str, report_id: str) -> list[Block]:
    """The report message's blocks with group ``number`` marked "not a repeat" by ``user``
    and its button turned into Undo (the message is updated in place)."""
    out = unmark_group(blocks, number, report_id)
    for k, block in enumerate(out):
        if block.get("block_id") == group_block_id(number):
            block["accessory"] = _button(UNDO, "Undo", f"{report_id}:{number}")
            note = (f"✋ Marked *not a repeat* by <@{user}>: this workspace will not be told "
                    "about these passages again.")
            out.insert(k + 1, {**_context(note), "block_id": _mark_block_id(number)})
            break
    return out


def unmark_group(blocks: Sequence[Block], number: int, report_id: str) -> list[Block]:
    """The blocks with group ``number``'s mark removed and its "Not a repeat" button back."""
    out = [dict(b) for b in blocks if b.get("block_id") != _mark_block_id(number)]
    for block in out:
        if block.get("block_id") == group_block_id(number):
            block["accessory"] = _button(NOT_A_REPEAT, "Not a repeat", f"{report_id}:{number}")
    return out


def _mark_block_id(number: int) -> str:
    return f"group-{number}-mark"


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


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


def _not_listed(total: int) -> list[_Item]:
    if total <= MAX_LISTED:
        return []
    note = f"…and {total - MAX_LISTED} more, not listed (the first {MAX_LISTED} are above)."
    return [_Item((_context(note),), note)]


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


def _summary(title: str, sentences: Sequence[str]) -> _Item:
    per_sentence = max(200, (MAX_SECTION_CHARS - 100) // max(1, len(sentences)))
    lines = "\n".join(f"• {escape(trim(s, per_sentence))}" for s in sentences)
    text = trim(f"{title}\n{lines}", MAX_SECTION_CHARS)
    return _Item(({"type": "divider"}, _section(text)), text)


def _pack(items: Sequence[_Item]) -> list[Message]:
    """Group items into messages within the block and character budgets, keeping order."""
    groups: list[list[_Item]] = [[]]
    blocks = chars = 0
    for item in items:
        # Room for the "part n of m" context block a continued report gets.
        over_blocks = blocks + len(item.blocks) + item.reserve > MAX_BLOCKS - 1
        over_chars = chars + len(item.text) > MESSAGE_BUDGET_CHARS
        if groups[-1] and (over_blocks or over_chars):
            groups.append([])
            blocks = chars = 0
        groups[-1].append(item)
        blocks += len(item.blocks) + item.reserve
        chars += len(item.text) + 1
    messages = []
    for number, group in enumerate(groups, 1):
        message_blocks = [block for item in group for block in item.blocks]
        text = "\n".join(item.text for item in group if item.text)
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
