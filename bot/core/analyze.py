"""Analyzer: documents in, Report out. The one entry point of the engine."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.core.embed import Encoder, encode_unique, pool_sentences
from bot.core.errors import TooLong, TooShort
from bot.core.pairs import Pair, ParagraphRef, Passage, Rules, SentencePair, mine
from bot.core.seen_before import SeenBefore
from bot.core.segment import Document
from bot.core.summarize import SummaryRules, summarize


@dataclass(frozen=True)
class Limits:
    max_chars: int = 200_000  # all documents of one request together
    max_paragraphs: int = 600


@dataclass(frozen=True)
class Report:
    documents: tuple[Document, ...]
    pairs: tuple[Pair, ...]
    sentence_pairs: tuple[SentencePair, ...]
    summary: tuple[str, ...]
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    # Paragraphs that repeat stories checked earlier; None when no archive was consulted
    # (so the JSON keeps its keys), () when one was and nothing repeats.
    seen_before: tuple[SeenBefore, ...] | None = None
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
        size = sum(len(d.text) for d in documents)
        if size > self.limits.max_chars:
            raise TooLong(
                f"The text is {size:,} characters; the limit is {self.limits.max_chars:,}. "
                "Check a shorter part, or split it."
            )
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

        summary = self._summary(passages, pairs, sentence_pairs)
        done = time.perf_counter()
        return Report(
            documents=tuple(documents),
            pairs=tuple(pairs),
            sentence_pairs=tuple(sentence_pairs),
            summary=tuple(summary),
            timings_ms={
                "embed": _ms(embedded - started),
                "mine": _ms(mined - embedded),
                "summarize": _ms(done - mined),
                "total": _ms(done - started),
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
        vectors = encode_unique(self.encoder, [s for own in sentences for s in own])
        passages, offset = [], 0
        for (ref, paragraph), own in zip(refs, sentences, strict=True):
            own_vectors = vectors[offset : offset + len(own)]
            vector = pool_sentences(own_vectors, [len(s) for s in own])
            passages.append(Passage(ref, paragraph.text, own, own_vectors, vector))
            offset += len(own)
        return passages

    def _summary(
        self,
        passages: Sequence[Passage],
        pairs: Sequence[Pair],
        sentence_pairs: Sequence[SentencePair],
    ) -> list[str]:
        index: dict[tuple[int, int, int], int] = {}
        texts: list[str] = []
        positions: list[int] = []  # rank of the sentence in its own document
        per_doc: Counter[int] = Counter()
        for passage in passages:
            for k, text in enumerate(passage.sentences):
                index[(passage.ref.doc, passage.ref.paragraph, k)] = len(texts)
                positions.append(per_doc[passage.ref.doc])
                per_doc[passage.ref.doc] += 1
                texts.append(text)
        duplicates = {
            frozenset((index[(p.a.doc, p.a.paragraph, s.a)], index[(p.b.doc, p.b.paragraph, s.b)]))
            for p in pairs
            for s in p.sentences
        } | {
            frozenset(
                (
                    index[(p.a.doc, p.a.paragraph, p.a.sentence)],
                    index[(p.b.doc, p.b.paragraph, p.b.sentence)],
                )
            )
            for p in sentence_pairs
        }
        vectors = np.concatenate([p.sentence_vectors for p in passages])
        chosen = summarize(
            texts, vectors, positions, duplicates=duplicates, rules=self.summary_rules
        )
        return [texts[i] for i in chosen]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
