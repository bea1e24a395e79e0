"""Keyword in context: every match of a term in a corpus, with the lexicon's match modes.

``kwic`` compiles the term exactly as a lexicon entry would be compiled, so what it shows is
what an entry with that term and match mode would count.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from spacy.language import Language

from analysis.reading.corpus import Article
from analysis.measures.framing import context_window
from analysis.lexicons.model import MATCH_MODES, Category, Entry, Lexicon, add_lexicon_rulers
from analysis.errors import LexiconError

KWIC_LEXICON = "kwic"


@dataclass(frozen=True)
class KwicLine:
    article_id: str
    outlet: str
    start_char: int
    end_char: int
    left: str
    match: str
    right: str

    def format(self, width: int) -> str:
        left = self.left[-width:].rjust(width)
        right = self.right[:width]
        return f"{self.article_id}\t{self.outlet}\t{left} [{self.match}] {right}"


def kwic_lexicon(terms: Iterable[str], match: str, exclude: Iterable[str] = ()) -> Lexicon:
    """A one-entry lexicon for the given terms and match mode."""
    if match not in MATCH_MODES:
        raise LexiconError(f"match mode {match!r} is not allowed; allowed: {', '.join(MATCH_MODES)}")
    terms = tuple(t for t in terms if t.strip())
    if not terms:
        raise LexiconError("kwic needs a non-empty pattern")
    entry = Entry("pattern", "match", terms, match, "command line", tuple(exclude))
    return Lexicon(KWIC_LEXICON, "0.0.0", "ad-hoc kwic pattern", {"match": Category("match", "kwic match")}, (entry,), None, Path("<kwic>"))


def kwic(
    articles: Iterable[Article],
    nlp: Language,
    terms: Iterable[str],
    *,
    match: str = "lemma",
    exclude: Iterable[str] = (),
    width: int = 60,
) -> Iterator[KwicLine]:
    """Yield one KwicLine per match; ``nlp`` is a base pipeline (it gets a kwic span_ruler)."""
    lexicon = kwic_lexicon(terms, match, exclude)
    add_lexicon_rulers(nlp, [lexicon])
    articles = list(articles)
    for article, doc in zip(articles, nlp.pipe(a.text for a in articles)):
        for span in doc.spans.get(KWIC_LEXICON, []):
            left, right = context_window(doc.text, span.start_char, span.end_char, width)
            yield KwicLine(article.id, article.outlet, span.start_char, span.end_char, left, span.text, right)
