"""Quoted speech: one definition for every part of Quellenlage.

Quoted speech is what someone other than the outlet says. Two surface forms mark it in German news:

* **Quotation marks** (:func:`find_quotes`), every German and international style: „…“ „…” »…« «…»
  "…" “…” ‚…‘ ›…‹, nested quotes of another style inside the outer one, ``’`` between letters as an
  apostrophe; an opener without a closer ends at its paragraph end (at most
  :data:`MAX_UNCLOSED_CHARS` characters, else at its first sentence end), so one stray mark cannot
  swallow the rest of the article; a closer without an opener that ends a sentence or precedes its frame
  ("…werden“, sagte Preis.") closes an *orphan* quotation from its sentence's start (the opener was in an
  earlier paragraph, a hard line break split the quotation, or the opener was lost in copying: 717
  in 307 of the first 3,000 FANG-COVID articles; of 30 drawn at random, 28 ended real quotations and
  the two others are now refused by :func:`_orphan_closer`); other lone closers ("wie diese Grenzen“
  im Kontext") are ignored.
* **Speaker turns** (:func:`speaker_turns`): paragraphs of a dialogue or interview transcript. A paragraph
  opening with one to three capitalised words and a colon, optionally with a time stamp or role in
  brackets ("Korinna Hennig: …", "Drosten: …", "Stew (12:43): …"), is quoted up to its line break when the
  same label opens another paragraph too, or when it is an interviewee's label ("Antwort:", "A:"). The
  interviewer's questions ("Frage:", "F:") are the outlet's own voice, and so are lead-ins and list
  headings ("Zum Vergleich:", "Fazit:", "Polen: 56.684 Fälle", :data:`DISCOURSE_LABELS`) and one-off
  labels: in the first 1,000 FANG-COVID articles, 151 paragraphs opened with a label that does not recur,
  and only about 20 of them carried a speaker's words; the rest were the outlet's lead-ins ("Der Grund:",
  "Zugegeben:", "Wohlgemerkt:"), list items and headings. Recurring labels in the first 3,000 were
  interview and podcast turns (zeit.de, rubikon.news, pravda-tv.com), with a few lists of authors or
  products left. Attribution headlines ("Kreml: …") are
  the sourcing stage's indirect speech.

:func:`quoted_speech` combines both into a :class:`QuotedMask` (character intervals of the text); the
sourcing stage (:func:`analysis.measures.sourcing.quoted_mask`) adds the messages of direct attributions, and
the reliability indicators (:func:`analysis.measures.indicators.quote_mask`) read the same mask token by token,
so subjectivity cues, own-voice indices and the evidence's ``voice`` agree on what is quoted.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np
from spacy.attrs import IDX, LENGTH
from spacy.tokens import Doc

#: Opening and closing quotation marks (see :func:`find_quotes`).
QUOTE_CHARS = frozenset("„“”»«‚‘’›‹\"")
_QUOTE_RE = re.compile("[„“”»«‚‘’›‹\"]")

# opener → accepted closers
_PAIRS = {
    "„": "“”\"",
    "“": "”“",
    "»": "«",
    "«": "»",
    "‚": "‘’",
    "‘": "’",
    "›": "‹",
    "‹": "›",
    '"': '"',
}
#: A quote left open ends at its paragraph end when that is this close, else at its first sentence end.
MAX_UNCLOSED_CHARS = 600
_SENT_END_RE = re.compile(r"[.!?…](?=\s|$)")


@dataclass(frozen=True)
class Quote:
    """A top-level quotation: ``text[start:end]`` includes the marks; ``closed`` is False when unbalanced.

    ``orphan``: the quotation has a closing mark but lost its opening one (it began in an earlier
    paragraph or the opener was dropped in copying): ``start`` is where its sentence, or the text after a
    colon, begins, not a mark.
    """

    start: int
    end: int
    closed: bool
    inner: tuple[tuple[int, int], ...] = ()
    orphan: bool = False


def _orphan_closer(text: str, i: int) -> bool:
    """Does the mark at ``i`` end a quotation (what follows it ends or frames a sentence)?

    "…werden“, sagte Preis", "…ausgelöscht“. Mit anderen Worten", "…unsinnig.“ Und", "…Spiel“ („Focus
    online“)" end one; "wie diese Grenzen“ im Kontext" and "von sündigem“ Verhalten" (scare quotes that
    lost their opener) do not.
    """
    j = i + 1
    n = len(text)
    if j >= n or text[j] in ",.;:!?)\n":
        return True
    if text[j] not in " \t\u00a0":
        return False
    while j < n and text[j] in " \t\u00a0":
        j += 1
    if j >= n or text[j] == "\n" or text[j] in "(–-„»«\"‚›":
        return True
    # a capital after the mark starts a new sentence only when the quotation ended with its own final
    # punctuation (German nouns are capitalised: "von ,,sündigem“ Verhalten" is a scare quote)
    return text[i - 1] in ".!?…" and text[j].isupper()


def _orphan_start(text: str, i: int, floor: int = 0) -> int | None:
    """Where an orphan quotation ending with the mark at ``i`` begins: its sentence's first character, or
    the first one after the sentence's last colon ("Er gibt zu: Kurz gesagt, …“"); within its paragraph
    and at most :data:`MAX_UNCLOSED_CHARS` before the mark, else None (no guess); never before ``floor``
    (the end of the quotation before it)."""
    para = max(text.rfind("\n", 0, i) + 1, floor)
    j = i - 1
    while j > para and text[j] in ".!?…":
        j -= 1  # the quotation's own final punctuation
    start = para
    for m in _SENT_END_RE.finditer(text, para, j + 1):
        start = m.end()
    colon = text.rfind(": ", start, j + 1)
    if colon >= 0:
        start = colon + 1
    while start < i and text[start].isspace():
        start += 1
    if start >= i or i - start > MAX_UNCLOSED_CHARS:
        return None
    return start


def find_quotes(text: str) -> list[Quote]:
    """Top-level quotations in ``text`` in every German quote style.

    „…“ „…” »…« «…» "…" “…” ‚…‘ ›…‹; nested quotes (of any other style) stay inside their outer quote.
    ``’`` between letters is an apostrophe, not a mark. An opener without a closer ends at the end of its
    paragraph (blank line or line break) when that is within :data:`MAX_UNCLOSED_CHARS`, else at the end of
    its first sentence. A closer without an opener that ends a sentence or is followed by its frame
    ("…werden“, sagte Preis.") ends an *orphan* quotation that starts at its sentence (or after the
    sentence's last colon): the opener was in an earlier paragraph or lost in copying. Other closers
    without an opener ("wie diese Grenzen“ im Kontext") and single ones (‘ ’ ‹ ›) are ignored.
    """
    quotes: list[Quote] = []
    stack: list[tuple[str, int]] = []
    inner: list[tuple[int, int]] = []
    n = len(text)

    def para_end(pos: int) -> int:
        nl = text.find("\n", pos)
        return n if nl < 0 else nl

    def close_unclosed(opener_pos: int, limit: int) -> int:
        end = para_end(opener_pos)
        end = min(end, limit)
        if end - opener_pos > MAX_UNCLOSED_CHARS:
            m = _SENT_END_RE.search(text, opener_pos + 1, end)
            if m:
                end = m.end()
        return end

    for m in _QUOTE_RE.finditer(text):
        ch, i = m.group(), m.start()
        # paragraph breaks between the last mark and this one close everything that is open
        if stack:
            nl = text.find("\n", stack[-1][1], i)
            if nl >= 0:
                first_open = stack[0][1]
                end = close_unclosed(first_open, nl)
                quotes.append(Quote(first_open, end, False, tuple(inner)))
                stack.clear()
                inner = []
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if ch in "’‘" and prev.isalpha() and nxt.isalpha():
            continue  # apostrophe
        # does it close an open quote?
        closes = None
        for k in range(len(stack) - 1, -1, -1):
            if ch in _PAIRS[stack[k][0]]:
                closes = k
                break
        if closes is not None and ch in ("“",) and stack[closes][0] == "“" and not (nxt.isspace() or nxt in ",.;:!?)–-" or i + 1 == n):
            closes = None  # “ after “: a new English-style opener, not a closer
        if closes is not None:
            opener, start = stack[closes]
            if closes == 0:
                quotes.append(Quote(start, i + 1, True, tuple(inner)))
                inner = []
            else:
                inner.append((start, i + 1))
            del stack[closes:]
            continue
        if ch in ("”", "“", '"', "«", "»") and not stack and (prev.isalnum() or prev in ".,!?;:…") and _orphan_closer(text, i):
            # a closing mark right after a word, with nothing open: the end of a quotation that lost its opener
            start = _orphan_start(text, i, quotes[-1].end if quotes else 0)
            if start is not None:
                quotes.append(Quote(start, i + 1, True, (), orphan=True))
            continue
        if ch in ("”", "’"):
            continue  # closer without opener (or apostrophe)
        if ch in ("“", '"', "«", "»") and (prev.isalnum() or prev in ".,!?;:…") and (nxt.isspace() or nxt in ",.;:!?)–-" or i + 1 == n):
            continue  # a closing mark right after a word: a stray closer (a scare quote that lost its opener), not an opener
        stack.append((ch, i))
    if stack:
        first_open = stack[0][1]
        quotes.append(Quote(first_open, close_unclosed(first_open, n), False, tuple(inner)))
    quotes.sort(key=lambda q: q.start)
    return quotes


#: Capitalised words that end in a colon at the start of a paragraph without naming a speaker: lead-ins,
#: list and form headings, source and picture credits. A label is not a speaker when its first word or
#: the last part of a hyphenated first word ("Extra-Tipp") is one of them.
DISCOURSE_LABELS = frozenset(
    """Fazit Hintergrund Update Achtung Wichtig Pikant Erstens Zweitens Drittens Viertens Fünftens Sechstens
    Kommentar Analyse Tipp Hinweis Fakt Fakten Lesen Mehr Quelle Quellen Bildquelle Quellenverzeichnis Literatur
    Foto Fotos Bild Video Grafik Tabelle Screenshot Podcast Link Links Download Zitat Anmerkung Vorbemerkung
    Erläuterung Fortsetzung Vorwort Nachwort Prolog Epilog Zusammenfassung Ergebnis Conclusio Schlussfolgerung
    Schlußfolgerung Problem Lösung Ziel Risiko Risiken Nebenwirkungen Wirkung Dosierung Vorteile Nachteile
    Adresse Empfänger Kontakt Telefon Tel Mail E-Mail IBAN BIC Betreff Gesendet Von An Anzeige Werbung
    Neuerscheinung Disclaimer Aber Und Doch Oder Denn Also Nur Warum Wie Was Wer Wo Wann Immerhin Klar Fest
    Kurz Übrigens Überhaupt Zugegeben Wohlgemerkt Einerseits Andererseits Merke Beispiel Stand Titel Thema
    Tags Schlagworte Lesetipp Lesezeit Korrektur Ergänzung Nachtrag""".split()
)

#: Function words that open a lead-in, never a speaker's name ("Der Grund:", "Zum Vergleich:",
#: "Meine Antwort:", "Im Gegenteil:").
_NOT_A_NAME = frozenset(
    """Der Die Das Den Dem Des Ein Eine Einer Eines Mein Meine Unser Unsere Ihr Ihre Sein Seine Dein Deine
    Euer Eure Kein Keine Zum Zur Im Am Beim Vom Ins Auf In Mit Für Von Nach Bei Aus Als Ohne Unter Über
    Mögliche Weitere Wichtige Alle Andere Große Kleine Neue Alte""".split()
)

#: The interviewee's label in an interview: a turn even when it opens only one paragraph.
ANSWER_LABELS = frozenset({"Antwort", "A"})

#: The interviewer's labels: the outlet's own voice, never a quoted turn.
QUESTION_LABELS = frozenset({"Frage", "F", "Interviewer", "Interviewerin", "Redaktion"})


def _speaker_label(doc: Doc, i: int) -> tuple[str, int] | None:
    """If a paragraph starting at token i begins with a speaker label ("Korinna Hennig:", "Stew (12:43):",
    "Frage:"): the label's words (without the bracket) and the index of the token with its colon."""
    words = 0
    j = i
    while j < len(doc) and words < 3:
        tok = doc[j]
        if not (tok.text[:1].isupper() and tok.text.replace("-", "").isalpha()):
            break
        if words == 0 and (tok.text in DISCOURSE_LABELS or tok.text in _NOT_A_NAME
                           or tok.text.rsplit("-", 1)[-1] in DISCOURSE_LABELS):
            return None
        words += 1
        j += 1
    if words == 0 or j >= len(doc):
        return None
    label = doc[i:j].text
    if doc[j].text == "(":  # timestamp or role: "Stew (12:43):"
        k = j + 1
        while k < len(doc) and k - j < 8 and doc[k].text not in (")", "):"):
            k += 1
        if k >= len(doc) or doc[k].text not in (")", "):"):
            return None
        if doc[k].text == "):":  # the tokenizer keeps "):" together after a time stamp
            return label, k
        j = k + 1
    if j < len(doc) and doc[j].text == ":":
        return label, j
    return None


class QuotedMask:
    """Which characters of ``doc.text`` are quoted speech: sorted, non-overlapping [start, end) intervals."""

    def __init__(self, intervals: Iterable[tuple[int, int]], text_length: int):
        merged: list[tuple[int, int]] = []
        for s, e in sorted(i for i in intervals if i[1] > i[0]):
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        self.intervals = merged
        self._starts = [s for s, _ in merged]
        self._ends = np.array([e for _, e in merged], dtype=np.int64)
        self.text_length = text_length

    def contains(self, pos: int) -> bool:
        k = bisect.bisect_right(self._starts, pos) - 1
        return k >= 0 and pos < self.intervals[k][1]

    def contains_all(self, positions: np.ndarray) -> np.ndarray:
        """:meth:`contains` of every position (a boolean array)."""
        if not self.intervals:
            return np.zeros(len(positions), dtype=bool)
        k = np.searchsorted(self._starts, positions, side="right") - 1
        return (k >= 0) & (positions < self._ends[np.maximum(k, 0)])

    def covered(self, start: int, end: int) -> int:
        """Number of characters of [start, end) inside quoted text."""
        total = 0
        k = max(0, bisect.bisect_right(self._starts, start) - 1)
        while k < len(self.intervals) and self.intervals[k][0] < end:
            s, e = self.intervals[k]
            total += max(0, min(e, end) - max(s, start))
            k += 1
        return total

    def overlaps_all(self, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        """Per span [starts[k], ends[k]): :meth:`covered` > 0 (a boolean array)."""
        if not self.intervals:
            return np.zeros(len(starts), dtype=bool)
        # the last interval that starts before the span's end reaches furthest (intervals are disjoint)
        k = np.searchsorted(self._starts, ends, side="left") - 1
        return (starts < ends) & (k >= 0) & (self._ends[np.maximum(k, 0)] > starts)

    def voice(self, start: int, end: int) -> str:
        """``"quoted"`` when at least half of [start, end) is inside quoted text, else ``"own"``."""
        if end <= start:
            return "quoted" if self.contains(start) else "own"
        return "quoted" if 2 * self.covered(start, end) >= end - start else "own"

    def token_mask(self, doc: Doc) -> list[bool]:
        """Per token: :meth:`voice` is ``"quoted"`` (computed with a prefix sum over the characters)."""
        if not len(doc):
            return []
        table = doc.to_array([IDX, LENGTH]).astype(np.int64)
        starts, ends = table[:, 0], table[:, 0] + table[:, 1]
        size = max(self.text_length, int(ends.max()))
        quoted = np.zeros(size + 1, dtype=np.int64)
        for s, e in self.intervals:
            quoted[s:e] = 1
        cumulative = np.concatenate([[0], np.cumsum(quoted)])
        covered = cumulative[np.minimum(ends, size)] - cumulative[np.minimum(starts, size)]
        return (2 * covered >= ends - starts).tolist()

    def __len__(self) -> int:
        return len(self.intervals)


def opens_with_speaker_label(doc: Doc, i: int) -> bool:
    """Does token ``i`` open a speaker label ("Christian Drosten: …", "Antwort: …"; not an interviewer's
    "Frage: …" nor a lead-in like "Fazit: …")? For text without its paragraphs (single sentences), where
    :func:`speaker_turns` cannot see whether the label recurs."""
    label = _speaker_label(doc, i)
    return label is not None and label[0] not in QUESTION_LABELS


# A paragraph that might open with a speaker label: a colon before its line break, within reach of the
# longest label :func:`_speaker_label` accepts (three words and a bracket); that rule decides.
_LABEL_CANDIDATE_RE = re.compile(r"(?m)^[^\S\n]*(?=[^\s:][^\n:]{0,200}:)")


def speaker_turns(doc: Doc, text: str | None = None) -> list[tuple[int, int]]:
    """Character intervals [start, end) of the speaker turns of ``doc`` (module docstring).

    A paragraph is a turn when it opens with a speaker label that also opens another paragraph of the
    text (a dialogue: "Korinna Hennig: …" … "Korinna Hennig: …") or that is an interviewee's label
    (:data:`ANSWER_LABELS`: "Antwort:", "A:"). The interviewer's questions (:data:`QUESTION_LABELS`:
    "Frage:", "F:", "Redaktion:") are the outlet's own voice. A label that occurs once ("Zum Vergleich:",
    "Polen: 56.684 Fälle", "Lauterbach: Politik muss …") is not enough: in German news most such
    paragraphs are the outlet's own text (lead-ins, lists, headlines), and attribution headlines are the
    sourcing stage's business (indirect speech, the outlet's voice). Each interval runs from the label's
    first character to the paragraph's line break (or the end of the text), the label included.
    """
    text = doc.text if text is None else text
    if not len(doc):
        return []
    starts: list[int] | None = None
    found: list[tuple[str, int]] = []
    for m in _LABEL_CANDIDATE_RE.finditer(text):
        pos = m.end()
        if starts is None:
            starts = doc.to_array([IDX]).tolist()
        i = bisect.bisect_left(starts, pos)
        if i >= len(doc) or starts[i] != pos:
            continue  # not a token boundary
        label = _speaker_label(doc, i)
        if label is not None and label[0] not in QUESTION_LABELS:
            found.append((label[0], pos))
    if not found:
        return []
    counts = Counter(label for label, _ in found)
    out: list[tuple[int, int]] = []
    for label, pos in found:
        if counts[label] >= 2 or label in ANSWER_LABELS:
            nl = text.find("\n", pos)
            out.append((pos, len(text) if nl < 0 else nl))
    return out


def quoted_speech(
    doc: Doc,
    *,
    text: str | None = None,
    quotes: Sequence[Quote] | None = None,
    extra: Iterable[tuple[int, int]] = (),
) -> QuotedMask:
    """The quoted speech of ``doc``: its quotations, its speaker-labelled paragraphs and ``extra`` intervals.

    ``text`` may pass ``doc.text`` (spaCy rebuilds it on every access), ``quotes`` the result of
    :func:`find_quotes` for it.
    """
    text = doc.text if text is None else text
    intervals = [(q.start, q.end) for q in (find_quotes(text) if quotes is None else quotes)]
    intervals.extend(speaker_turns(doc, text))
    intervals.extend(extra)
    return QuotedMask(intervals, len(text))
