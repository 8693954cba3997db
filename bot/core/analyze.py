"""Analyzer: documents in, Report out. The one entry point of the engine."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.core.embed import (
    Encoder,
    TokenEncoder,
    Tokens,
    encode_unique,
    encode_unique_tokens,
    pool_sentences,
)
from bot.core.errors import TooLong, TooShort
from bot.core.groups import Group, group_pairs
from bot.core.pairs import Pair, ParagraphRef, Passage, Rules, SentencePair, mine
from bot.core.seen_before import SeenBefore
from bot.core.segment import Document
from bot.core.summarize import SummaryRules, summarize
from bot.core.timing import ms


@dataclass(frozen=True)
class Limits:
    max_chars: int = 200_000  # all documents of one request together
    max_paragraphs: int = 600

    def check_size(self, size: int) -> None:
        """TooLong for text over max_chars; edges call it before segmenting a large paste."""
        if size > self.max_chars:
            raise TooLong(
                f"The text is {size:,} characters; the limit is {self.max_chars:,}. "
                "Check a shorter part, or split it."
            )


@dataclass(frozen=True)
class Report:
    documents: tuple[Document, ...]
    pairs: tuple[Pair, ...]
    sentence_pairs: tuple[SentencePair, ...]
    summary: tuple[str, ...]  # the first document's summary (the contract's 2-3 sentences)
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    # The pairs' paragraphs gathered into groups that say the same thing (core.groups).
    groups: tuple[Group, ...] = ()
    # Paragraphs that repeat stories checked earlier; None when no archive was consulted
    # (so the JSON keeps its keys), () when one was and nothing repeats.
    seen_before: tuple[SeenBefore, ...] | None = None
    # One summary per document, in document order; summary is summaries[0].
    summaries: tuple[tuple[str, ...], ...] = ()
    # More pairs than bot.core.mining.MiningLimits allows (a paste of hundreds of copies):
    # the lists hold the first ones in reading order.
    truncated: bool = False


class Analyzer:
    """Finds repeated passages and summarises; holds the encoder so it is loaded once."""

    def __init__(
        self,
        encoder: Encoder,
        *,
        rules: Rules | None = None,
        summary_rules: SummaryRules | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.encoder = encoder
        self.rules = rules or Rules()
        self.summary_rules = summary_rules or SummaryRules()
        self.limits = limits or Limits()

    def check(self, documents: Sequence[Document]) -> None:
        """Raise the domain error a user should see for input that cannot be analysed."""
        self.limits.check_size(sum(len(d.text) for d in documents))
        count = sum(len(d.paragraphs) for d in documents)
        if count > self.limits.max_paragraphs:
            raise TooLong(
                f"The text has {count:,} paragraphs; the limit is {self.limits.max_paragraphs:,}."
            )
        if count < 2:
            raise TooShort(
                "There is only one paragraph: paste the whole article (paragraphs separated by "
                "blank lines or line breaks) to check it for repeats."
            )

    def analyze(
        self, documents: Sequence[Document], *, passages: Sequence[Passage] | None = None
    ) -> Report:
        """`passages`: this analyzer's embed(documents), when the caller needs the vectors too
        (the archive stores them) and should not pay for encoding twice."""
        self.check(documents)
        started = time.perf_counter()
        if passages is None:
            passages = self.embed(documents)
        embedded = time.perf_counter()
        found = mine(passages, self.rules)
        pairs, sentence_pairs = found.pairs, found.sentence_pairs
        mined = time.perf_counter()

        summaries = tuple(
            tuple(self._summary([p for p in passages if p.ref.doc == d], pairs, sentence_pairs))
            for d in range(len(documents))
        )
        done = time.perf_counter()
        return Report(
            documents=tuple(documents),
            pairs=tuple(pairs),
            sentence_pairs=tuple(sentence_pairs),
            summary=summaries[0] if summaries else (),
            summaries=summaries,
            groups=group_pairs(pairs),
            timings_ms={
                "embed": ms(embedded - started),
                "mine": ms(mined - embedded),
                "summarize": ms(done - mined),
                "total": ms(done - started),
            },
            truncated=found.truncated,
        )

    def embed(self, documents: Sequence[Document]) -> list[Passage]:
        """Every paragraph with its vector and its sentences' vectors.

        Each sentence is encoded once and a paragraph's vector is derived from its sentences
        (``pool_sentences``): encoding the paragraphs as well would encode every token twice.
        """
        refs = [
            (ParagraphRef(d, k), paragraph)
            for d, document in enumerate(documents)
            for k, paragraph in enumerate(document.paragraphs)
        ]
        # A paragraph the splitter found no sentence in is encoded as one sentence.
        sentences = [tuple(s.text for s in p.sentences) or (p.text,) for _, p in refs]
        texts = [s for own in sentences for s in own]
        tokens: list[Tokens] | None = None
        if isinstance(self.encoder, TokenEncoder):
            vectors, tokens = encode_unique_tokens(self.encoder, texts)
        else:
            vectors = encode_unique(self.encoder, texts)
        passages, offset = [], 0
        for (ref, paragraph), own in zip(refs, sentences, strict=True):
            own_vectors = vectors[offset : offset + len(own)]
            vector = pool_sentences(own_vectors, [len(s) for s in own])
            passages.append(Passage(ref, paragraph.text, own, own_vectors, vector,
                                    paragraph.list_start,
                                    None if tokens is None
                                    else _joined(tokens[offset : offset + len(own)]),
                                    paragraph.heading))
            offset += len(own)
        return passages

    def _summary(
        self,
        passages: Sequence[Passage],
        pairs: Sequence[Pair],
        sentence_pairs: Sequence[SentencePair],
    ) -> list[str]:
        """The summary of ``passages`` (one document's): each article is summarised on its own,
        so two compared articles never get one summary that mixes their sentences."""
        index: dict[tuple[int, int, int], int] = {}
        texts: list[str] = []
        for passage in passages:
            for k, text in enumerate(passage.sentences):
                index[(passage.ref.doc, passage.ref.paragraph, k)] = len(texts)
                texts.append(text)
        if not texts:
            return []
        known = [
            ((p.a.doc, p.a.paragraph, s.a), (p.b.doc, p.b.paragraph, s.b))
            for p in pairs
            for s in p.sentences
        ] + [
            ((p.a.doc, p.a.paragraph, p.a.sentence), (p.b.doc, p.b.paragraph, p.b.sentence))
            for p in sentence_pairs
        ]
        # Only pairs inside these passages matter; a pair across documents has a side elsewhere.
        duplicates = {
            frozenset((index[a], index[b])) for a, b in known if a in index and b in index
        }
        vectors = np.concatenate([p.sentence_vectors for p in passages])
        chosen = summarize(
            texts,
            vectors,
            list(range(len(texts))),  # the passages are one document's, in reading order
            duplicates=duplicates,
            rules=self.summary_rules,
        )
        return [texts[i] for i in chosen]


def _joined(own: Sequence[Tokens]) -> Tokens:
    """A paragraph's Tokens: its sentences', end to end (each sentence encoded on its own)."""
    return np.concatenate([ids for ids, _ in own]), np.concatenate([s for _, s in own])
