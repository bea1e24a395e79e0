"""Lexicon coverage and consistency: which entries match in a corpus, and which terms collide.

* :func:`duplicate_terms` finds terms listed in more than one entry (of one lexicon or across lexicons):
  within a lexicon only one of the overlapping matches is counted (the longest, then the first), so a
  duplicate silently moves counts between entries; across lexicons it counts the words twice.
* :func:`entry_coverage` summarises an evidence table per entry: matches, articles, outlets, examples,
  and lists entries that never matched, so a lexicon author sees dead entries before trusting an index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import pandas as pd

from analysis.lexicons.model import Lexicon

COVERAGE_COLUMNS = ["lexicon", "entry_id", "category", "n_matches", "n_articles", "outlets", "forms", "examples"]


@dataclass(frozen=True)
class DuplicateTerm:
    term: str
    places: tuple[tuple[str, str, str, str], ...]  # (lexicon, entry id, category, match mode)

    def message(self) -> str:
        where = "; ".join(f"{lex}:{eid} ({cat}, {mode})" for lex, eid, cat, mode in self.places)
        return f"term {self.term!r} is listed in several entries: {where}"


def duplicate_terms(lexicons: Iterable[Lexicon]) -> list[DuplicateTerm]:
    """Terms (compared case-insensitively, whitespace folded) that occur in more than one entry."""
    seen: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for lex in lexicons:
        for entry in lex.entries:
            for term in set(" ".join(t.split()).lower() for t in entry.terms):
                seen[term].append((lex.name, entry.id, entry.category, entry.match))
    return [DuplicateTerm(term, tuple(places)) for term, places in sorted(seen.items()) if len(places) > 1]


def entry_coverage(
    evidence: pd.DataFrame,
    articles: pd.DataFrame,
    lexicons: Iterable[Lexicon],
    *,
    n_examples: int = 3,
) -> pd.DataFrame:
    """One row per lexicon entry (also entries with no match), most matches first within a lexicon.

    ``forms``: the distinct matched texts with counts ("Kampfhandlungen ×3"); ``examples``: up to
    ``n_examples`` keyword-in-context lines ``article_id: …left [match] right…``.
    """
    outlet_of = dict(zip(articles["article_id"], articles["outlet"]))
    rows = []
    grouped = {key: grp for key, grp in evidence.groupby(["lexicon", "entry_id"])} if len(evidence) else {}
    for lex in lexicons:
        lex_rows = []
        for entry in lex.entries:
            grp = grouped.get((lex.name, entry.id))
            if grp is None or grp.empty:
                lex_rows.append({"lexicon": lex.name, "entry_id": entry.id, "category": entry.category,
                                 "n_matches": 0, "n_articles": 0, "outlets": "", "forms": "", "examples": ""})
                continue
            outlets = grp["article_id"].map(outlet_of).value_counts()
            forms = grp["text"].value_counts()
            examples = [
                f"{r.article_id}: …{r.left[-40:]} [{r.text}] {r.right[:40]}…"
                for r in grp.drop_duplicates("article_id").head(n_examples).itertuples()
            ]
            lex_rows.append(
                {
                    "lexicon": lex.name,
                    "entry_id": entry.id,
                    "category": entry.category,
                    "n_matches": len(grp),
                    "n_articles": grp["article_id"].nunique(),
                    "outlets": ", ".join(f"{o} ({n})" for o, n in outlets.items()),
                    "forms": ", ".join(f"{f} ×{n}" for f, n in forms.items()),
                    "examples": " | ".join(examples),
                }
            )
        rows.extend(sorted(lex_rows, key=lambda r: -r["n_matches"]))
        rows.extend(_semantic_rows(evidence, lex, outlet_of, n_examples))
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _semantic_rows(evidence: pd.DataFrame, lex: Lexicon, outlet_of: dict, n_examples: int) -> list[dict]:
    """One row per semantic category (entry id ``semantic``): the sentences its scorer flagged."""
    if not lex.semantic_categories:
        return []
    flagged = (
        evidence[(evidence["lexicon"] == lex.name) & (evidence["method"] == "semantic")]
        if len(evidence) and "method" in evidence.columns
        else evidence.iloc[0:0]
    )
    rows = []
    for cat in lex.semantic_categories:
        grp = flagged[flagged["category"] == cat] if len(flagged) else flagged
        outlets = grp["article_id"].map(outlet_of).value_counts() if len(grp) else pd.Series(dtype=int)
        examples = [
            f"{r.article_id}: [{r.text[:120]}] score {r.score:.3f}; nearest example: {r.nearest_example[:80]}"
            for r in grp.drop_duplicates("article_id").head(n_examples).itertuples()
        ] if len(grp) else []
        rows.append({
            "lexicon": lex.name, "entry_id": "semantic", "category": cat, "n_matches": len(grp),
            "n_articles": int(grp["article_id"].nunique()) if len(grp) else 0,
            "outlets": ", ".join(f"{o} ({n})" for o, n in outlets.items()), "forms": "",
            "examples": " | ".join(examples),
        })
    return rows
