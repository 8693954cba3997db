
import pytest

from bot.core.analyze import Analyzer
from bot.core.markup import (
    clean_markup,
    is_bold_line,
    line_marker,
    normalize_spaces,
    slack_links,
    strip_user_mentions,
    unwrap_link,
)
from bot.core.segment import segment
from tests.fakes import HashingEncoder
from tests.timing import cpu_seconds


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("see <https://example.com/a?b=1&amp;c=2|the report> now", "see the report now"),
        ("see <https://example.com/a>", "see https://example.com/a"),
        ("in <#C123|desk> today", "in #desk today"),
        ("in <#C123|> and <#C123> today", "in and today"),
        ("call <tel:+15551234567|555-123-4567>", "call 555-123-4567"),
        ("write to <mailto:ed@news.example|ed@news.example>", "write to ed@news.example"),
        ("write to <mailto:ed@news.example>", "write to ed@news.example"),
        ("on <!date^1723456789^{date} at {time}|Aug 12, 2024> it", "on Aug 12, 2024 it"),
        ("ask <!subteam^S123|@desk> first", "ask @desk first"),
        ("<!here> <!channel> <!everyone> the bridge is shut", "the bridge is shut"),
        ("<!here|@here> the bridge is shut", "the bridge is shut"),
        ("thanks <@U123> and <@U456|dev>", "thanks and @dev"),
        ("~_*<@U123>*_~ confirmed it", "confirmed it"),
        ("*_<https://x.example|the map>_* is up", "the map is up"),
        ("[the map](https://x.example/map) is up", "the map is up"),
        ("<https://x.example|*the* map> is up", "the map is up"),
    ],
)
def test_slack_markup_keeps_its_readable_part(raw, expected):
    assert clean_markup(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("*bold* _italic_ ~struck~ `code` **strong**", "bold italic struck code strong"),
        ("__strong__ ***both*** ```block```", "strong both block"),
        ("_*nested*_ and *_nested_*", "nested and nested"),
        ('"*Quoted*," she said', '"Quoted," she said'),
        ("snake_case_name, 3*4*5 and 2 * 3 = 6", "snake_case_name, 3*4*5 and 2 * 3 = 6"),
        ("a *dangling marker and _another", "a *dangling marker and _another"),
        ("*a *b*", "*a b"),  # the inner pair wins; the opener left outside stays text
        ("file_*name", "file_*name"),
        ("a < 5 and b > 3, <b>html</b>", "a < 5 and b > 3, <b>html</b>"),
        ("AT&amp;T &lt;3 &gt; half", "AT&T <3 > half"),
    ],
)
def test_formatting_markers_go_only_where_they_wrap_words(raw, expected):
    assert clean_markup(raw) == expected


def test_invisible_characters_and_odd_spaces_are_normalised():
    raw = "The\u00a0council\u202fmet on Mon\u00adday in Fern\u200bmouth\u2060"
    raw += " \ufeff(\u200c\u200dagain)&nbsp;."
    assert clean_markup(raw) == "The council met on Monday in Fernmouth (again) ."
    assert normalize_spaces("a\u2003b\nc\u200bd") == "a b\ncd"  # newlines survive


def test_an_exact_repeat_with_invisible_characters_is_still_exact():
    first = "Quenby Bridge shut in both directions after a lorry hit the parapet just before 7am."
    second = first.replace(" ", "\u00a0", 3).replace("Bridge", "Bri\u200bdge")
    second = second.replace("lorry", "lor\u00adry")
    document = segment(f"{first}\n\nSomething else entirely.\n\n{second}")
    report = Analyzer(HashingEncoder()).analyze([document])
    assert [(p.a.paragraph, p.b.paragraph, p.kind) for p in report.pairs] == [(0, 2, "exact")]


def test_slack_links_are_the_link_targets_in_order_once():
    text = (
        "<https://a.example/x?y=1&amp;z=2|the report> <@U1> <#C1|desk> <!here> "
        "<mailto:ed@b.example> <https://c.example> <https://a.example/x?y=1&amp;z=2> "
        "https://bare.example a < b > c"
    )
    assert slack_links(text) == ["https://a.example/x?y=1&z=2", "mailto:ed@b.example", "https://c.example"]


@pytest.mark.parametrize(
    ("line", "kind", "rest"),
    [
        ("# Headline", "heading", "Headline"),
        ("### Sub head", "heading", "Sub head"),
        ("#hashtag trend", "text", "#hashtag trend"),
        ("- bullet", "bullet", "bullet"),
        ("* bullet", "bullet", "bullet"),
        ("• bullet", "bullet", "bullet"),
        ("12. numbered", "bullet", "numbered"),
        ("3) numbered", "bullet", "numbered"),
        ("> quoted", "quote", "quoted"),
        ("&gt; &gt; quoted twice", "quote", "quoted twice"),
        ("> - quoted bullet", "bullet", "quoted bullet"),
        ("-5C overnight", "text", "-5C overnight"),
        ("*bold* start", "text", "*bold* start"),
        ("2024. A year", "text", "2024. A year"),
    ],
)
def test_line_markers(line, kind, rest):
    marker = line_marker(line)
    assert (marker.kind, line[marker.text_start :]) == (kind, rest)


@pytest.mark.parametrize(
    ("line", "bold"),
    [("**What changes**", True), ("*Who is affected*", True), ("__Next__", True),
     ("*Bold* then words", False), ("**a** and **b**", False), ("* bullet*", False)],
)
def test_bold_lines_are_subheads(line, bold):
    assert is_bold_line(line) is bold


# The first took 208 s at 200 kB in the old regex cleaning; each would take seconds if quadratic.
PATHOLOGICAL = ["*a ", "**a ", "_a ", "`a ", "~a ", "<", "<a|", "_", "~", ">", "|", "*", "`",
                "1.", ".", "[a](", "<@U1>*", "&amp;", "<https://x|", ":a: "]


@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_cleaning_is_linear_on_pathological_input(unit):
    text = unit * (200_000 // len(unit))
    assert cpu_seconds(lambda: clean_markup(text)) < 1.0


def test_cleaning_1_mb_of_the_old_quadratic_run_takes_under_2_s():
    text = "*a " * 333_333
    assert cpu_seconds(lambda: clean_markup(text)) < 2.0


def test_user_mentions_go_and_other_tokens_stay() -> None:
    assert strip_user_mentions("<@U0BOT> check <#C1|desk> <@U2|ann>") == " check <#C1|desk> "


@pytest.mark.parametrize(
    ("raw", "target"),
    [
        ("<https://x.example/a?b=1&amp;c=2|x.example>", "https://x.example/a?b=1&c=2"),
        (" <https://x.example/a> ", "https://x.example/a"),
        ("https://x.example/a", "https://x.example/a"),  # not wrapped: as it is
        ("<#C1|desk>", "<#C1|desk>"),  # a token, but no link
        ("see <https://x.example/a>", "see <https://x.example/a>"),  # more than the link
    ],
)
def test_unwrap_link_takes_a_text_that_is_one_link(raw: str, target: str) -> None:
    assert unwrap_link(raw) == target
