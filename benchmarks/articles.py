"""Labelled multi-paragraph articles for the duplicate benchmarks.

Three sources, one record type (``LabelledArticle``: one or two documents of paragraphs,
the true duplicate pairs with their kind, and the hard negatives):

1. **Built articles** (``built_articles(split, count)``), made from ../shared/data with a
   fixed seed. Each starts from a real BBC News article (its paragraphs, in order: same-topic
   text, so every pair between them is a realistic negative) and gets, at random positions:

   - 2 duplicate pairs, each drawn with these weights:
     - ``paraphrase`` / mrpc (0.40): one or two MRPC positive pairs; the s1 sentences form
       one paragraph, the s2 sentences the other;
     - ``paraphrase`` / paws (0.20): one PAWS positive pair (detokenised), same way;
     - ``exact`` / copy (0.10): one of the article's own paragraphs repeated verbatim;
     - ``near_verbatim`` / near (0.15): one of its paragraphs repeated with light edits
       (a synonym swap, one word dropped: ``edits.light_edit``);
     - ``conflicting`` / conflict (0.15): an MRPC positive pair whose sentences share a
       number, with that number changed in s2 (``edits.swap_number``);
   - 3 hard-negative pairs, split across two paragraphs the same way:
     - mrpc-neg (0.40): one or two MRPC negative pairs (same news event, not equivalent);
     - paws-neg (0.30): one PAWS negative pair (same words, different meaning);
     - stsb-low (0.30): one STS-B ``main-news`` pair scored at most 2.0 of 5.

   Every other pair of paragraphs is a negative too, except paragraphs the BBC text itself
   repeats word for word (a few sports pages repeat a line): those are ``exact`` / repeat.
   At most one PAWS pair per article (PAWS makes several pairs from one source sentence),
   and a candidate is rejected when one of its sentences shares more than 30% of its word
   3-grams with a sentence already placed, so no unlabelled duplicate slips in. About two
   thirds of the inserted pairs are one sentence per paragraph: the benchmark reports those
   pairs apart from the longer ones, since they test sentence-level judgement.

   Splits are disjoint at the source: ``dev`` draws from MRPC train, PAWS rows with an even
   id, STS-B dev and one half of the BBC articles; ``test`` from MRPC test, PAWS odd ids,
   STS-B test and the other half. The first 300 BBC articles (the summary benchmark's
   sample) and every 7th one (the sample benchmarks/tune_rules.py fits the engine's rules
   on) are not used. Thresholds may be chosen on dev; test is for reporting only.

2. **The seed article** ../shared/seeds/putin-trump-talks.txt: 13 paragraphs, one per line;
   true pairs (0,1), (4,5), (10,11), all paraphrases.

3. **Hand-written articles** tests/data/articles/*.json: ``{"title", "paragraphs", "pairs":
   [{"a", "b", "kind"}], "hard_negatives": [[i, j]], "sentence_pairs": [...]}``, and
   ``x*.json`` two-article files ``{"a": {...}, "b": {...}, "pairs": [...],
   "hard_negatives": [...]}`` whose top-level pairs go from document a to document b.
"""

from __future__ import annotations

import gzip
import itertools
import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from benchmarks import edits
from benchmarks.common import ARTICLES, DATA, SEEDS, read_tsv, require

SEED = 20261125
BBC_SUMMARY_SAMPLE = 300  # the first BBC articles belong to the summary benchmark
# benchmarks/tune_rules.py fits the engine's rules on every 7th BBC article: never test on those.
BBC_TUNING_STRIDE = 7
Ref = tuple[int, int]  # (document, paragraph)


@dataclass(frozen=True)
class TruePair:
    a: Ref
    b: Ref
    kind: str  # exact | near_verbatim | paraphrase | conflicting | negative
    source: str = ""
    values: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> tuple[Ref, Ref]:
        return (min(self.a, self.b), max(self.a, self.b))


@dataclass(frozen=True)
class SentenceTruth:
    a: Ref
    b: Ref
    kind: str


@dataclass(frozen=True)
class LabelledArticle:
    id: str
    documents: tuple[tuple[str, ...], ...]  # paragraphs of each document
    pairs: tuple[TruePair, ...]  # the duplicates
    hard_negatives: tuple[TruePair, ...] = ()
    origins: tuple[tuple[str, ...], ...] = ()  # where each paragraph came from (built only)
    sentence_pairs: tuple[SentenceTruth, ...] = ()
    title: str | None = None

    @property
    def truth(self) -> dict[tuple[Ref, Ref], TruePair]:
        return {p.key: p for p in self.pairs}

    def paragraph(self, ref: Ref) -> str:
        return self.documents[ref[0]][ref[1]]

    def origin(self, ref: Ref) -> str:
        return self.origins[ref[0]][ref[1]] if self.origins else "text"

    def all_refs(self) -> list[Ref]:
        return [(d, k) for d, doc in enumerate(self.documents) for k in range(len(doc))]

    def to_json(self) -> dict[str, Any]:
        """The hand-written schema (one document), plus each pair's source and origins."""
        assert len(self.documents) == 1
        return {
            "title": self.title or self.id,
            "paragraphs": list(self.documents[0]),
            "pairs": [{"a": p.a[1], "b": p.b[1], "kind": p.kind, "source": p.source}
                      for p in self.pairs],
            "hard_negatives": [[p.a[1], p.b[1]] for p in self.hard_negatives],
            "origins": list(self.origins[0]) if self.origins else [],
        }


# ---------------------------------------------------------------------------- sources


@dataclass
class _Pools:
    mrpc_pos: list[tuple[str, str]]
    mrpc_neg: list[tuple[str, str]]
    paws_pos: list[tuple[str, str]]
    paws_neg: list[tuple[str, str]]
    stsb_low: list[tuple[str, str]]
    conflict: list[tuple[str, str]]  # MRPC positives whose sentences share a number
    bbc: list[tuple[str, tuple[str, ...]]]  # (id, paragraphs)
    used: dict[str, int] = field(default_factory=dict)


_SHARED_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\w])")


def _shares_number(a: str, b: str) -> bool:
    numbers = {n for n in _SHARED_NUMBER.findall(a) if not re.fullmatch(r"(19|20)\d\d", n)}
    return bool(numbers & set(_SHARED_NUMBER.findall(b)))


@lru_cache(maxsize=1)
def bbc_articles() -> tuple[dict[str, Any], ...]:
    path = require(DATA / "summarization" / "bbc" / "bbc_news_summary.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle)


def _pools(split: str) -> _Pools:
    if split not in ("dev", "test"):
        raise ValueError(f"split is dev or test, not {split!r}")
    mrpc_file = f"mrpc_{'train' if split == 'dev' else 'test'}.tsv"
    mrpc = read_tsv(DATA / "paraphrase" / "mrpc" / mrpc_file)
    paws = [r for r in read_tsv(DATA / "paraphrase" / "paws" / "paws_wiki_test.tsv")
            if int(r["id"]) % 2 == (0 if split == "dev" else 1)]
    stsb = read_tsv(DATA / "paraphrase" / "stsb" / f"stsb_{split}.tsv")
    pos = [(r["s1"], r["s2"]) for r in mrpc if r["label"] == "1"]
    bbc = [
        (a["id"], tuple(p.strip() for p in a["body"].split("\n\n") if len(p.split()) >= 3))
        for k, a in enumerate(bbc_articles())
        if k >= BBC_SUMMARY_SAMPLE and k % BBC_TUNING_STRIDE != 0
    ]
    bbc = [b for b in bbc if len(b[1]) >= 3]
    random.Random(f"{SEED}-bbc").shuffle(bbc)
    half = len(bbc) // 2
    pools = _Pools(
        mrpc_pos=[p for p in pos if not _shares_number(*p)],
        mrpc_neg=[(r["s1"], r["s2"]) for r in mrpc if r["label"] == "0"],
        paws_pos=[(edits.detokenize(r["s1"]), edits.detokenize(r["s2"]))
                  for r in paws if r["label"] == "1"],
        paws_neg=[(edits.detokenize(r["s1"]), edits.detokenize(r["s2"]))
                  for r in paws if r["label"] == "0"],
        stsb_low=[(r["s1"], r["s2"]) for r in stsb
                  if r["genre"] == "main-news" and float(r["score"]) <= 2.0],
        conflict=[p for p in pos if _shares_number(*p)],
        bbc=bbc[:half] if split == "dev" else bbc[half:],
    )
    # A few rows hold a fragment ("." in MRPC): a paragraph needs a sentence.
    for name in ("mrpc_pos", "mrpc_neg", "paws_pos", "paws_neg", "stsb_low", "conflict"):
        setattr(pools, name, [p for p in getattr(pools, name)
                              if min(len(p[0].split()), len(p[1].split())) >= 4])
    return pools


# ---------------------------------------------------------------------------- building


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}


def _overlaps(sentence: str, placed: Sequence[set[tuple[str, ...]]]) -> bool:
    mine = _shingles(sentence)
    return any(len(mine & other) > 0.3 * min(len(mine), len(other)) for other in placed)


class _Builder:
    """One article: BBC paragraphs plus inserted pairs, with the bookkeeping of truth."""

    def __init__(self, rng: random.Random, pools: _Pools, paragraphs: Sequence[str]) -> None:
        self.rng = rng
        self.pools = pools
        self.base = list(paragraphs)
        self.placed = [_shingles(s) for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p)]
        self.inserts: list[tuple[str, str, int]] = []  # (text, origin, pair id)
        self.kinds: dict[int, tuple[str, str]] = {}  # pair id -> (kind, source)
        self.copies: list[tuple[int, str, str, str]] = []  # (base index, text, kind, source)
        self.used_base: set[int] = set()
        self.paws_used = False

    def draw(self, pool: list[tuple[str, str]], count: int) -> list[tuple[str, str]] | None:
        """`count` pairs from `pool` that overlap nothing placed so far (None if none fit)."""
        chosen: list[tuple[str, str]] = []
        for _ in range(40):
            if len(chosen) == count:
                break
            pair = pool[self.rng.randrange(len(pool))]
            if pair in chosen or any(_overlaps(s, self.placed) for s in pair):
                continue
            chosen.append(pair)
            self.placed += [_shingles(s) for s in pair]
        return chosen if len(chosen) == count else None

    def add_split_pair(self, pairs: list[tuple[str, str]], kind: str, source: str) -> None:
        if self.rng.random() < 0.5:
            pairs = [(b, a) for a, b in pairs]
        pid = len(self.kinds)
        self.kinds[pid] = (kind, source)
        origin = source if kind != "negative" else source
        self.inserts.append((" ".join(a for a, _ in pairs), origin, pid))
        self.inserts.append((" ".join(b for _, b in pairs), origin, pid))

    def add_copy(self, kind: str) -> bool:
        free = [k for k in range(len(self.base)) if k not in self.used_base]
        if not free:
            return False
        k = self.rng.choice(free)
        self.used_base.add(k)
        text = self.base[k] if kind == "exact" else edits.light_edit(self.base[k], self.rng)
        self.copies.append((k, text, kind, "copy" if kind == "exact" else "near"))
        return True

    def positive(self) -> None:
        roll = self.rng.random()
        count = 1 if self.rng.random() < 0.65 else 2
        if roll < 0.40:
            pairs = self.draw(self.pools.mrpc_pos, count)
            if pairs:
                self.add_split_pair(pairs, "paraphrase", "mrpc")
                return
        elif roll < 0.60 and not self.paws_used:
            pairs = self.draw(self.pools.paws_pos, 1)
            if pairs:
                self.paws_used = True
                self.add_split_pair(pairs, "paraphrase", "paws")
                return
        elif roll < 0.70:
            if self.add_copy("exact"):
                return
        elif roll < 0.85:
            if self.add_copy("near_verbatim"):
                return
        else:
            for _ in range(10):
                pairs = self.draw(self.pools.conflict, 1)
                if not pairs:
                    break
                (s1, s2), = pairs
                swapped = _swap_shared_number(s1, s2, self.rng)
                if swapped is not None:
                    self.add_split_pair([(s1, swapped)], "conflicting", "conflict")
                    return
        pairs = self.draw(self.pools.mrpc_pos, count)  # the fallback: an MRPC paraphrase
        if pairs:
            self.add_split_pair(pairs, "paraphrase", "mrpc")

    def negative(self) -> None:
        roll = self.rng.random()
        count = 1 if self.rng.random() < 0.65 else 2
        if roll < 0.30 and not self.paws_used:
            pairs = self.draw(self.pools.paws_neg, 1)
            if pairs:
                self.paws_used = True
                self.add_split_pair(pairs, "negative", "paws-neg")
                return
        elif 0.30 <= roll < 0.60:
            pairs = self.draw(self.pools.stsb_low, 1)
            if pairs:
                self.add_split_pair(pairs, "negative", "stsb-low")
                return
        pairs = self.draw(self.pools.mrpc_neg, count)
        if pairs:
            self.add_split_pair(pairs, "negative", "mrpc-neg")

    def finish(self, article_id: str, title: str) -> LabelledArticle:
        # Layout: the BBC paragraphs keep their order; inserted paragraphs go to random
        # slots; a copy goes somewhere after its original.
        slots: list[tuple[str, str, Any]] = [
            (p, "bbc", ("base", k)) for k, p in enumerate(self.base)
        ]
        for text, origin, pid in self.inserts:
            slots.insert(self.rng.randint(0, len(slots)), (text, origin, ("pair", pid)))
        for k, text, _kind, source in self.copies:
            after = next(i for i, s in enumerate(slots) if s[2] == ("base", k))
            slots.insert(self.rng.randint(after + 1, len(slots)), (text, source, ("copy", k)))
        paragraphs = tuple(s[0] for s in slots)
        origins = tuple(s[1] for s in slots)
        pairs: list[TruePair] = []
        negatives: list[TruePair] = []
        for pid, (kind, source) in self.kinds.items():
            i, j = (n for n, s in enumerate(slots) if s[2] == ("pair", pid))
            (negatives if kind == "negative" else pairs).append(
                TruePair((0, i), (0, j), kind, source))
        for k, _, kind, source in self.copies:
            i = next(n for n, s in enumerate(slots) if s[2] == ("base", k))
            j = next(n for n, s in enumerate(slots) if s[2] == ("copy", k))
            pairs.append(TruePair((0, i), (0, j), kind, source))
        # Some BBC bodies already repeat a line ("Winners meet in final match"): an exact
        # repeat is a true pair whoever put it there.
        known = {p.key for p in pairs + negatives}
        for i, j in itertools.combinations(range(len(paragraphs)), 2):
            if ((0, i), (0, j)) not in known and _words(paragraphs[i]) == _words(paragraphs[j]):
                pairs.append(TruePair((0, i), (0, j), "exact", "repeat"))
        return LabelledArticle(
            id=article_id, documents=(paragraphs,),
            pairs=tuple(sorted(pairs, key=lambda p: p.key)),
            hard_negatives=tuple(sorted(negatives, key=lambda p: p.key)),
            origins=(origins,), title=title,
        )


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _swap_shared_number(s1: str, s2: str, rng: random.Random) -> str | None:
    """s2 with one number it shares with s1 changed; None if the edit is not clean."""
    for _ in range(5):
        result = edits.swap_number(s2, rng)
        if result is None:
            return None
        edited, before, _after = result
        if before in s1:
            return edited
    return None


def built_articles(split: str, count: int, *, seed: int = SEED) -> list[LabelledArticle]:
    """`count` built articles of `split` ("dev" or "test"), the same on every run."""
    pools = _pools(split)
    if count > len(pools.bbc):
        raise ValueError(f"only {len(pools.bbc)} BBC articles in {split}")
    bbc_by_id = {a["id"]: a for a in bbc_articles()}
    articles = []
    for n in range(count):
        rng = random.Random(f"{seed}-{split}-{n}")
        bbc_id, paragraphs = pools.bbc[n]
        builder = _Builder(rng, pools, paragraphs)
        for _ in range(2):
            builder.positive()
        for _ in range(3):
            builder.negative()
        articles.append(builder.finish(f"{split}-{n:03d}-{bbc_id}", bbc_by_id[bbc_id]["title"]))
    return articles


# ---------------------------------------------------------------------------- seed, hand-written


SEED_PAIRS = ((0, 1), (4, 5), (10, 11))


def seed_article() -> LabelledArticle | None:
    path = SEEDS / "putin-trump-talks.txt"
    if not path.exists():
        return None
    paragraphs = tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                       if line.strip())
    return LabelledArticle(
        id="seed:putin-trump-talks", documents=(paragraphs,),
        pairs=tuple(TruePair((0, a), (0, b), "paraphrase", "seed") for a, b in SEED_PAIRS),
    )


def _pairs_of(items: Sequence[dict[str, Any]], doc_a: int, doc_b: int) -> tuple[TruePair, ...]:
    return tuple(
        TruePair((doc_a, int(p["a"])), (doc_b, int(p["b"])), str(p["kind"]), "hand",
                 tuple(tuple(v) for v in p.get("values", ())))
        for p in items
    )


def _negatives_of(items: Sequence[Sequence[int]], doc_a: int, doc_b: int) -> tuple[TruePair, ...]:
    return tuple(TruePair((doc_a, int(i)), (doc_b, int(j)), "negative", "hand")
                 for i, j in items)


def _sentence_truth(items: Sequence[dict[str, Any]], doc: int) -> tuple[SentenceTruth, ...]:
    return tuple(SentenceTruth((doc, _paragraph_of(s["a"])), (doc, _paragraph_of(s["b"])),
                               str(s.get("kind", "")))
                 for s in items)


def _paragraph_of(ref: Any) -> int:
    """{"paragraph": p, "sentence": s} (hand-written) or [p, s] (the newsroom set)."""
    return int(ref["paragraph"]) if isinstance(ref, dict) else int(ref[0])


def load_handwritten(path: Path) -> LabelledArticle:
    data = json.loads(path.read_text(encoding="utf-8"))
    if "a" in data and "b" in data:  # two articles: pairs inside each, and across
        a, b = data["a"], data["b"]
        return LabelledArticle(
            id=f"hand:{path.stem}",
            documents=(tuple(a["paragraphs"]), tuple(b["paragraphs"])),
            pairs=_pairs_of(a.get("pairs", []), 0, 0) + _pairs_of(b.get("pairs", []), 1, 1)
            + _pairs_of(data.get("pairs", []), 0, 1),
            hard_negatives=_negatives_of(a.get("hard_negatives", []), 0, 0)
            + _negatives_of(b.get("hard_negatives", []), 1, 1)
            + _negatives_of(data.get("hard_negatives", []), 0, 1),
            sentence_pairs=_sentence_truth(a.get("sentence_pairs", []), 0)
            + _sentence_truth(b.get("sentence_pairs", []), 1),
            title=f"{a.get('title')} / {b.get('title')}",
        )
    return LabelledArticle(
        id=f"hand:{path.stem}",
        documents=(tuple(data["paragraphs"]),),
        pairs=_pairs_of(data.get("pairs", []), 0, 0),
        hard_negatives=_negatives_of(data.get("hard_negatives", []), 0, 0),
        sentence_pairs=_sentence_truth(data.get("sentence_pairs", []), 0),
        title=data.get("title"),
    )


def handwritten_articles(folder: Path = ARTICLES) -> list[LabelledArticle]:
    """tests/data/articles/*.json (single articles and x*.json pairs), when present."""
    return [load_handwritten(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []


def iter_pairs(article: LabelledArticle) -> Iterator[tuple[Ref, Ref]]:
    """Every candidate paragraph pair (a < b), inside each document and across documents."""
    refs = article.all_refs()
    for i, a in enumerate(refs):
        for b in refs[i + 1 :]:
            yield a, b


def main() -> None:
    """Print one built article of each split (to see what the construction makes)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--index", type=int, default=0)
    parser.add_argument("--json", action="store_true",
                        help="the article in the hand-written schema")
    args = parser.parse_args()
    article = built_articles(args.split, args.index + 1)[args.index]
    if args.json:
        print(json.dumps(article.to_json(), indent=2, ensure_ascii=False))
        return
    for k, (text, origin) in enumerate(zip(article.documents[0], article.origins[0], strict=True)):
        print(f"[{k}] ({origin}) {text[:150]}")
    for p in article.pairs + article.hard_negatives:
        print(p.a[1], p.b[1], p.kind, p.source)


_: Callable[[], None] = main

if __name__ == "__main__":
    from benchmarks.common import run_main

    run_main(main)
