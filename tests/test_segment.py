import pytest

from bot.core.errors import EmptyInput
from bot.core.segment import clean, segment, split_sentences


def texts(document):
    return [p.text for p in document.paragraphs]


def test_blank_lines_separate_paragraphs_and_single_newlines_join():
    doc = segment("First line\ncontinues here.\n\n\nSecond paragraph.\n \nThird.")
    assert texts(doc) == ["First line continues here.", "Second paragraph.", "Third."]


def test_without_blank_lines_every_line_is_a_paragraph():
    doc = segment("One.\nTwo.\n\r\nThree.".replace("\n\r\n", "\n"))
    assert texts(doc) == ["One.", "Two.", "Three."]


def test_windows_newlines_and_offsets_point_into_the_text():
    doc = segment("Alpha beta.\r\n\r\nGamma delta.")
    second = doc.paragraphs[1]
    assert doc.text[second.start : second.end] == "Gamma delta."


def test_slack_and_markdown_noise_is_removed():
    raw = "> *Breaking:* the <https://example.com/a|council> met _today_ with <@U123> &amp; staff"
    assert clean(raw) == "Breaking: the council met today with & staff"


def test_bullets_numbers_and_headings_lose_their_markers():
    assert clean("- first point\n• second point") == "first point second point"
    assert clean("1. Numbered item") == "Numbered item"
    assert clean("## Heading text") == "Heading text"


def test_markup_inside_words_survives():
    assert clean("snake_case_name and 3*4*5") == "snake_case_name and 3*4*5"


def test_separator_lines_are_not_paragraphs():
    assert texts(segment("One.\n\n---\n\nTwo.")) == ["One.", "Two."]


def test_empty_or_markup_only_input_is_an_error():
    with pytest.raises(EmptyInput):
        segment("  \n\n > \n - \n")


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("He left. She stayed.", ["He left.", "She stayed."]),
        ("Dr. Smith met Mr. Jones at 5 p.m. on Jan. 5 in the U.S. capital.", None),
        (
            "The talks ended at 5 p.m. The mayor then spoke.",
            ["The talks ended at 5 p.m.", "The mayor then spoke."],
        ),
        (
            "Prices rose 3.5 percent. J. R. Ewing said so.",
            ["Prices rose 3.5 percent.", "J. R. Ewing said so."],
        ),
        ("“We will rebuild,” she said. “Soon.”", ["“We will rebuild,” she said.", "“Soon.”"]),
        (
            "Is it safe? Officials say yes! Work resumes.",
            ["Is it safe?", "Officials say yes!", "Work resumes."],
        ),
        ("the court ruled . the appeal failed .", ["the court ruled .", "the appeal failed ."]),
    ],
)
def test_sentences(paragraph, expected):
    found = [s.text for s in split_sentences(paragraph)]
    assert found == (expected or [paragraph])


def test_sentence_offsets_slice_the_paragraph():
    paragraph = "First one.  Second one!  Third?"
    for sentence in split_sentences(paragraph):
        assert paragraph[sentence.start : sentence.end] == sentence.text
