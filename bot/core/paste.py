"""Lines a paste brings that are not the article: Slack's thread chrome, lead-ins, emoji.

A copied Slack thread carries each message's author and time ("Imogen Thackwray  9:14 AM"),
day separators, reaction counts and "(edited)" marks; the asker often opens with a line of
their own ("can you check this before 5pm? :pray:"). These are recognised one line at a time,
and only lines that are short (``_MAX_CHROME``) are ever tested, so the patterns run on a
bounded length and the whole pass is linear in the paste.

Lead-ins are judged conservatively: only the first line(s), short, and addressed to someone,
a request or question of the asker's, or ending in an emoji; a headline must survive.
"""

from __future__ import annotations

import re
import unicodedata

_MAX_CHROME = 80  # a header, separator or reaction line is never longer
_MAX_LEAD_IN = 160

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:{_WEEKDAY},?\s)?\s?(?:{_MONTH}\s{_DAY}|{_DAY}\s(?:of\s)?{_MONTH})(?:,?\s\d{{4}})?"
    rf"|{_WEEKDAY}"
)
_RELATIVE_DAY = r"(?:today|yesterday)"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]\.?m\.?)?"
_WHEN = rf"(?:(?:{_RELATIVE_DAY}|{_DATE})(?:,?\s(?:at\s)?{_TIME})?|{_TIME})"
# A display name: one to four words, each capitalised or a username ("dev.rautela").
_NAME = r"(?:[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3}|[a-z][\w.-]*[._][\w.-]*|[a-z][\w-]*)"
_BADGE = r"(?:\s+(?:APP|BOT))?"

_WHEN_LINE = re.compile(rf"\[?{_WHEN}\]?", re.IGNORECASE)
_HEADER_LINE = re.compile(
    rf"(?P<name>{_NAME}){_BADGE}(?P<gap>\s+)\[?(?i:{_WHEN})\]?:?"
    rf"|\[(?i:{_WHEN})\]\s(?P<name2>{_NAME}):?"
)
_THREAD_LINE = re.compile(
    r"\d+\s+(?:repl(?:y|ies)|reactions?|new\s+messages?)(?:\s+last\s+reply\s.*)?"
    r"|last\s+reply\s.*|view\s+(?:thread|newer\s+replies|\d+\s+more\s+repl(?:y|ies))"
    r"|show\s+(?:more|less)|\(?edited\)?|new(?:\s+messages?)?|also\s+sent\s+to\s+the\s+channel"
    r"|(?:replied\s+to\s+a\s+thread|thread):?",
    re.IGNORECASE,
)
_DIGIT_OR_COLON = re.compile(r"[\d:]")
_EDITED = re.compile(r"\s\(edited\)$")
_SHORTCODE = re.compile(r":[a-z0-9_+'-]{1,40}:(?::skin-tone-\d:)?")

# Lead-ins. Strong cues are enough alone; weak ones also need a chatty ending (a question,
# a colon, "pls"...), because a headline may open "Quick check" or ask a question.
_REQUEST = (
    r"(?:can|could|would|will)\s+(?:you|u|someone|somebody|anyone|any1)\s+(?:pls\s+|please\s+)?"
    r"(?:check|look|review|read|sub|proof|edit|eyeball|glance|cast\s+an\s+eye"
    r"|(?:have|take)\s+a\s+(?:look|read|glance)|give\s+\w+\s+a\s+(?:look|read|check|once-over))"
    r"(?:\s+(?:at|over|through))?\s*(?:this|it|these|my|our|the\s+(?:draft|copy|story|piece|text)"
    r"|below|pls|please|before|asap|\?|$)"
)
_STRONG_CUE = re.compile(
    _REQUEST + r"|(?:pls|plz|ptal|fyi|cc|tia)\b"
    r"|please\s+(?:check|look|review|read|sub|proof|edit|have|take|give|eyeball|glance)\b"
    r"|(?:hey|hi|hiya|hello|morning|afternoon|evening)"
    r"(?:\s+(?:all|team|folks|everyone|guys|desk|there|@\S+))?\s*(?:[,!:.\-—]|$)"
    r"|(?:thanks|thx|ty)\s*(?:[,!.]|$)"
    r"|(?:desk|team|all|folks|guys|subs|editors?)\s*,",
    re.IGNORECASE,
)
_REQUEST_INSIDE = re.compile(r"\b" + _REQUEST, re.IGNORECASE)
_QUOTES = frozenset("\"“”")
_WEAK_CUE = re.compile(
    r"(?:any\s+)?thoughts\b|(?:quick|sanity)\s+check|need\s+(?:a\s+|some\s+)?(?:eyes|sub|check|read)"
    r"|(?:is\s+this|does\s+this|this)\s+(?:ok|okay|good|fine|alright|work|read)"
    r"|(?:ok|okay|good|alright)\s+to\s+(?:run|go|publish|file|post)"
    r"|(?:here'?s|here\s+is|this\s+is)\s+(?:the|my|a|our)\s+(?:draft|copy|story|piece|text|version)"
    r"|(?:draft|copy|story|piece|text|version|article)\s+(?:below|attached|here|for)\b",
    re.IGNORECASE,
)
_CHATTY = re.compile(r"(?:[?:!]|\.\.\.|…)\W*$|\b(?:pls|please|plz|thx|thanks|ty)\b", re.IGNORECASE)
_HANDOVER_END = re.compile(r"\b(?:below|attached|follows|pasted)\W*$", re.IGNORECASE)


def is_thread_chrome(line: str) -> bool:
    """A Slack thread's own line: author and time, a time or day alone, a date separator,
    reply and reaction counts, "(edited)", "View thread"... Never article text."""
    line = line.strip()
    if not line or len(line) > _MAX_CHROME:
        return False
    if line.isascii() and _DIGIT_OR_COLON.search(line) is None:
        return _THREAD_LINE.fullmatch(line) is not None or _WHEN_LINE.fullmatch(line) is not None
    if _WHEN_LINE.fullmatch(line) or _THREAD_LINE.fullmatch(line) or is_reaction_line(line):
        return True
    return _HEADER_LINE.fullmatch(line) is not None


def is_reaction_line(line: str) -> bool:
    """Emoji with their counts (":+1: 2 :eyes: 1", ":tada: 2 reactions")."""
    words = line.split()
    has_emoji = any(_is_emoji_word(w) for w in words)
    return has_emoji and all(
        _is_emoji_word(w) or w.isdigit() or w.lower() in ("reaction", "reactions") for w in words
    )


def is_emoji_line(line: str) -> bool:
    """A line of emoji only (":pray:", "🙏🙏", ":eyes: :eyes:"), punctuation aside."""
    if line.isascii() and ":" not in line:
        return False
    words = line.split()
    return bool(words) and all(_is_emoji_word(w.strip(".,!?")) or not any(
        ch.isalnum() for ch in w) for w in words) and any(_is_emoji_word(w.strip(".,!?"))
                                                            for w in words)


def strip_edited(line: str) -> str:
    """A message line without Slack's " (edited)" mark at its end."""
    return _EDITED.sub("", line.rstrip()) if line.rstrip().endswith("(edited)") else line


def is_lead_in(line: str) -> bool:
    """The asker's line before the article: short, and addressed to someone, a request or a
    question of theirs, or ending in an emoji. Headlines and first paragraphs are not."""
    line = line.strip()
    words = line.split()
    if not words or len(line) > _MAX_LEAD_IN or len(words) > 25:
        return False
    if line.startswith(("@", "<@", "<!subteam", "<!here", "<!channel")):
        return True  # addressed to someone
    if len(words) > 1 and _is_emoji_word(words[-1]):
        return True  # "can you check this before 5pm? :pray:"
    if _STRONG_CUE.match(line):
        return True
    # "Tom - umbrella piece for Sat. Can you give it a once-over before conference? Ta": the
    # request comes after a note on the piece. Inside quotes it would be someone's words.
    if _REQUEST_INSIDE.search(line) and not _QUOTES.intersection(line):
        return True
    chatty = _CHATTY.search(line) is not None or _HANDOVER_END.search(line) is not None
    if not chatty:
        return False
    # Chat, not copy: an English headline or paragraph never opens in lower case ("iPhone"
    # and "eBay" have a capital inside, "de Blasio" does not end like a chat line).
    first = words[0]
    return _WEAK_CUE.match(line) is not None or (first.isalpha() and first == first.lower())


def _is_emoji_word(word: str) -> bool:
    if _SHORTCODE.fullmatch(word):
        return True
    return bool(word) and all(_is_emoji_char(ch) for ch in word)


def _is_emoji_char(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Sk") or ch in "\ufe0f\u200d\u20e3" or (
        0x1F3FB <= ord(ch) <= 0x1F3FF
    )
