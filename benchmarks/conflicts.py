"""Conflicting facts: crafted swaps in real sentences, scored at two levels.

    python -m benchmarks.conflicts [--encoder torch|onnx] [--per-type 100]

Cases (fixed seed; sentences from MRPC test and from BBC articles of the built test split):
- conflicts (positives): one fact of a real sentence changed (benchmarks/edits.py):
  ``number`` (a figure, not a year), ``weekday``, ``month``, ``direction`` (rose <-> fell,
  up <-> down, ...), ``entity`` (a place or a person's name from fixed lists), and
  ``paraphrase+number``: an MRPC positive pair sharing a number, that number changed in s2
  (the same claim in other words, with a different figure: the case the tool is for);
- not conflicts (negatives): ``unchanged`` (the sentence twice), ``restated number`` (the
  same figure written otherwise: 7 -> seven, 4% -> 4 percent), ``paraphrase`` (an MRPC
  positive pair whose sentences both hold digits: annotators judged them equivalent).

Levels:
1. ``bot.core.facts.find_conflicts(a, b)``: a conflict is predicted when it returns one;
   for positives, "right words" means one returned conflict names the changed surfaces.
2. The engine: a 4-paragraph article [a, filler, filler, b] (fillers: two consecutive
   paragraphs of an unrelated BBC article) through ``Analyzer``; predicted when pair
   (0, 3) is reported with kind ``conflicting``. "pair found" counts any kind.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from benchmarks import edits
from benchmarks.articles import BBC_SUMMARY_SAMPLE, bbc_articles
from benchmarks.common import (
    DATA,
    PRF,
    CachingEncoder,
    encoder_argument,
    load,
    markdown_table,
    read_tsv,
    run_main,
    write_results,
)

SEED = 20261125
Edit = Callable[[str, random.Random], "tuple[str, str, str] | None"]
POSITIVE_EDITS: dict[str, Edit] = {
    "number": edits.swap_number,
    "weekday": edits.swap_weekday,
    "month": edits.swap_month,
    "direction": edits.swap_direction,
    "entity": edits.swap_entity,
}


@dataclass(frozen=True)
class Case:
    type: str
    a: str
    b: str
    conflict: bool
    before: str = ""
    after: str = ""


def sentences_pool() -> list[str]:
    """Real news sentences: MRPC test (both sides) and BBC sentences (not the summary sample)."""
    from bot.core.segment import split_sentences

    mrpc = read_tsv(DATA / "paraphrase" / "mrpc" / "mrpc_test.tsv")
    pool = list(dict.fromkeys(s for r in mrpc for s in (r["s1"], r["s2"])))
    for article in bbc_articles()[BBC_SUMMARY_SAMPLE::5]:
        for paragraph in article["body"].split("\n\n"):
            pool += [s.text for s in split_sentences(paragraph.strip())]
    return [s for s in dict.fromkeys(pool) if 8 <= len(s.split()) <= 45]


def build_cases(per_type: int, seed: int = SEED) -> list[Case]:
    rng = random.Random(seed)
    pool = sentences_pool()
    rng.shuffle(pool)
    cases: list[Case] = []
    used: set[str] = set()
    for name, edit in POSITIVE_EDITS.items():
        made = 0
        for sentence in pool:
            if made >= per_type:
                break
            if sentence in used:
                continue
            result = edit(sentence, rng)
            if result is None:
                continue
            edited, before, after = result
            used.add(sentence)
            cases.append(Case(name, sentence, edited, True, before, after))
            made += 1
    # Negatives: the same kinds of sentence, unchanged; numbers restated.
    positives = [c.a for c in cases]
    for sentence in rng.sample(positives, min(per_type, len(positives))):
        cases.append(Case("unchanged", sentence, sentence, False))
    made = 0
    for sentence in pool:
        if made >= per_type:
            break
        result = edits.restate_number(sentence, rng)
        if result is not None:
            cases.append(Case("restated number", sentence, result[0], False, result[1], result[2]))
            made += 1
    # Paraphrase pairs from MRPC test: equivalent (negatives) and with a changed shared number.
    mrpc = [r for r in read_tsv(DATA / "paraphrase" / "mrpc" / "mrpc_test.tsv")
            if r["label"] == "1"]
    rng.shuffle(mrpc)
    with_digits = [(r["s1"], r["s2"]) for r in mrpc
                   if re.search(r"\d", r["s1"]) and re.search(r"\d", r["s2"])]
    swapped = 0
    for s1, s2 in with_digits:
        if swapped >= per_type:
            break
        result = edits.swap_number(s2, rng)
        if result is not None and result[1] in s1:
            cases.append(Case("paraphrase+number", s1, result[0], True, result[1], result[2]))
            swapped += 1
    for s1, s2 in with_digits[-per_type:]:
        cases.append(Case("paraphrase", s1, s2, False))
    return cases


def right_words(conflicts: list[Any], case: Case) -> bool:
    return any(case.before.strip("$£€") in c.a and case.after.strip("$£€") in c.b
               or case.before in c.a and case.after in c.b for c in conflicts)


def fillers(count: int, seed: int = SEED) -> list[tuple[str, str]]:
    """Pairs of consecutive paragraphs from unrelated BBC articles."""
    rng = random.Random(f"{seed}-fillers")
    found = []
    articles = list(bbc_articles()[BBC_SUMMARY_SAMPLE:])
    rng.shuffle(articles)
    for article in articles:
        paragraphs = [p.strip() for p in article["body"].split("\n\n") if p.strip()]
        if len(paragraphs) >= 3:
            found.append((paragraphs[1], paragraphs[2]))
        if len(found) == count:
            break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    encoder_argument(parser)
    parser.add_argument("--per-type", type=int, default=100)
    args = parser.parse_args()
    started = time.perf_counter()

    from bot.core.analyze import Analyzer
    from bot.core.facts import find_conflicts
    from bot.core.segment import segment

    cases = build_cases(args.per_type)
    padding = fillers(25)
    analyzer = Analyzer(CachingEncoder(load(args.encoder)))

    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    facts_prf, engine_prf = PRF(0, 0, 0), PRF(0, 0, 0)
    mistakes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for k, case in enumerate(cases):
        found = find_conflicts(case.a, case.b)
        fact_hit = bool(found)
        filler = padding[k % len(padding)]
        document = segment("\n\n".join([case.a, *filler, case.b]), source=f"case-{k}")
        report = analyzer.analyze([document])
        pair = next((p for p in report.pairs if (p.a.paragraph, p.b.paragraph) == (0, 3)), None)
        engine_hit = pair is not None and pair.kind == "conflicting"
        counts = by_type[case.type]
        counts["cases"] += 1
        counts["facts"] += fact_hit
        counts["engine"] += engine_hit
        counts["pair found"] += pair is not None
        if case.conflict:
            counts["right words"] += fact_hit and right_words(found, case)
        facts_prf += PRF(int(fact_hit and case.conflict), int(fact_hit and not case.conflict),
                         int(not fact_hit and case.conflict))
        engine_prf += PRF(int(engine_hit and case.conflict), int(engine_hit and not case.conflict),
                          int(not engine_hit and case.conflict))
        if fact_hit != case.conflict and len(mistakes[case.type]) < 4:
            mistakes[case.type].append({
                "a": case.a, "b": case.b, "changed": [case.before, case.after],
                "found": [[c.a, c.b] for c in found],
                "engine_kind": pair.kind if pair else None})

    rows = []
    for name, c in by_type.items():
        positive = any(x.type == name and x.conflict for x in cases)

        def rate(n: str, c: Counter[str] = c) -> str:
            return f"{c[n] / c['cases']:.2f}"

        rows.append([name, "conflict" if positive else "no conflict", c["cases"],
                     rate("facts"), rate("right words") if positive else "-",
                     rate("engine"), rate("pair found")])
    print(f"\n## Conflicts ({len(cases)} cases, {args.encoder} encoder)\n")
    print("Share of cases flagged as a conflict (for 'no conflict' rows, lower is better).\n")
    print(markdown_table(["case", "truth", "n", "find_conflicts", "right words",
                          "engine 'conflicting'", "engine pair found"], rows))
    print()
    print(markdown_table(
        ["level", "P", "R", "F1", "TP", "FP", "FN"],
        [["find_conflicts", facts_prf.precision, facts_prf.recall, facts_prf.f1,
          facts_prf.tp, facts_prf.fp, facts_prf.fn],
         ["engine kind", engine_prf.precision, engine_prf.recall, engine_prf.f1,
          engine_prf.tp, engine_prf.fp, engine_prf.fn]]))
    write_results(f"conflicts-{args.encoder}", {
        "encoder": args.encoder,
        "by_type": {k: dict(v) for k, v in by_type.items()},
        "find_conflicts": facts_prf.as_dict(),
        "engine": engine_prf.as_dict(),
        "mistakes": mistakes,
        "seconds": round(time.perf_counter() - started, 1),
    })


if __name__ == "__main__":
    run_main(main)
