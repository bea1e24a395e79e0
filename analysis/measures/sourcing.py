"""Sourcing and voices: quotes, speakers, attribution, and the outlet's own voice vs quoted speech.

Rules over a processed spaCy ``Doc`` (tokens, lemmas in ``token.norm_``, sentences; the fallback pipeline has
no parser). When a trained model set ``token.pos_`` the noun-phrase chunker uses it; everything else works on
German surface cues: quotation marks, reporting verbs (``lexicons/reporting_verbs.toml``, with separated
particles: "teilte … mit" = mitteilen), Konjunktiv I, and the attribution formulae "so X", "laut X",
"X zufolge", "nach Angaben von X", "unter Berufung auf X", "wie X berichtete", "wonach", "demnach".
Speakers are resolved to actors of ``lexicons/actors.toml`` (entry id = actor, category = camp).
Evaluative verbs also come from ``distancing.toml``'s ``claim_verb`` category ("behaupten",
"unterstellen"): shipped lexicons share no term (:data:`EXTRA_VERB_CATEGORIES`).

API (the per-article step calls :func:`analyze_sourcing`, or the pieces):

* ``resources = SourcingResources.from_lexicon_set(lexicons, nlp)`` once per run (or ``.load()``);
* :func:`find_attributions` ``(doc, resources) -> list[Attribution]`` (char offsets into ``doc.text``);
* :func:`quoted_mask` ``(doc, attributions) -> QuotedMask`` and ``mask.voice(start, end)`` → own/quoted;
* :func:`measure_sourcing` ``(doc, attributions, n_tokens) -> dict``; :func:`voice_indices` →
  ``L.index_own``; :func:`attribution_evidence` → evidence lines with ``voice``;
* :func:`analyze_sourcing` ``(doc, article_id, resources=, lexicons=, text=) -> SourcingResult`` does all.

Speaker of an attribution: the phrase that names the source in its frame ("Kremlsprecher Dmitri Peskow",
"Angaben der Polizei", "er"). For continuations, frame-less quotes and "demnach" it is the speaker phrase
of the attribution they continue (as SpkAtt-2023 annotates it), and ``actor_via == "context"``.

Forms (``Attribution.form``)
----------------------------
* ``direct``   verbatim speech in quotation marks „…“ »…« «…» "…" “…” ‚…‘ (also across sentences and
  paragraphs, nested, or with an unbalanced mark), with its frame ("sagte Peskow") when there is one.
* ``indirect`` the speaker's content rendered by the reporter: reporting verb + dass/ob/w-clause, Konjunktiv
  I or zu-infinitive; "so X"; "laut X"; "X zufolge"; "nach Angaben (von) X"; "unter Berufung auf X";
  "wie X berichtete"; "wonach"/"demnach"; Konjunktiv sentences that continue a preceding attribution
  (``pattern="continuation"``); headline attributions "Kreml: …".
* ``reported`` a speech act summarised without its content ("Peskow warnte vor …", "Merz kritisierte …").
``Attribution.pattern`` names the rule that fired (see :data:`PATTERNS`).

Voice (own vs quoted)
---------------------
``quoted`` is everything inside quotation marks: the messages of direct quotes and also scare quotes and
titles (the marks say the words are someone else's); and the speaker turns of dialogue and interview
transcripts ("Drosten: …" opening two paragraphs, "Antwort: …"; not the interviewer's "Frage: …").
Both come from :mod:`analysis.processing.quotes`, the one definition the indicators use too. Indirect and reported
speech stay ``own``: German indirect speech is the reporter's paraphrase and carries the outlet's word
choice. The seeds show why: dpa writes "Peskow erinnerte daran, dass der … andauernde Krieg gegen die Ukraine seine Wurzeln … habe" —
Peskow never says "Krieg gegen die Ukraine"; that is dpa's naming inside indirect speech. A term inside
„…“ ("Ukraine-Konflikt" in Peskow's quote) is the speaker's. :func:`quoted_mask` also offers
``include_indirect=True`` for users who want attributed content of every form excluded.

Per-article measures (:func:`measure_sourcing`; NaN when undefined, never a fake 0)
-----------------------------------------------------------------------------------
``n_tokens`` = words and numbers (no punctuation), as in framing.py. "Sentences" = spaCy's sentences, also
split at line breaks (headings, datelines), opening/closing quotation marks moved to the sentence they
belong to; only sentences with a word count.
An *attribution* is a top-level record of :func:`find_attributions` (direct quotes nested inside indirect
speech are counted as quotes but not again as attributions or voices).

* ``sourcing.attributions``: number of attributions; ``sourcing.direct`` / ``.indirect`` / ``.reported``
  by form.
* ``sourcing.attributions_per_1000``: 1000 · attributions / n_tokens.
* ``sourcing.quotes``: direct quotations (top-level and nested partial quotes);
  ``sourcing.quotes_per_1000`` = 1000 · quotes / n_tokens.
* ``sourcing.quoted_token_share``: words of quoted speech (inside quotation marks, incl. scare quotes, or in
  a transcript's speaker turns) / words.
* ``sourcing.attributed_sentence_share``: sentences that contain the cue, the speaker phrase or part of the
  message of an attribution / sentences.
* ``sourcing.unattributed_assertive_share``: among *assertive sentences* (≥ 4 words, ending in "." or "!",
  not a question, not mostly inside quotation marks), the share that carries no attribution: statements the
  outlet makes in its own voice without naming a source. NaN without assertive sentences.
* ``sourcing.evaluative_verb_share``: attributions whose cue is an evaluative reporting verb / attributions
  whose cue is a neutral or evaluative reporting verb (lexicon ``reporting_verbs``). NaN when no verb cue.
* ``sourcing.agency_citations``: (attribution, agency) pairs: a news agency or medium (camp
  ``media_agency``) named as speaker or in the frame of an attribution ("der Agentur Interfax zufolge",
  "laut Tass", "wie die New York Times berichtete").
* ``sourcing.agency_credits``: agency credits of the article itself, e.g. "(dpa)", "(AFP/dpa)".
* ``voices.<camp>`` for each camp of ``lexicons/actors.toml``: attributions whose speaker resolves to an
  actor of that camp (directly or, for "er", "ein Sprecher", continuations, via the preceding attribution);
  ``voices.unresolved``: attributions without a resolved actor.
* ``voices.<camp>.share``: voices.<camp> / attributions with a resolved actor (NaN when none);
  ``voices.resolved_share``: attributions with a resolved actor / attributions.
* ``L.index_own`` (:func:`voice_indices`): ``L.index`` of a two-pole lexicon computed only over matches in
  the outlet's own voice (outside quotation marks), with the counts ``L.<pole>.own`` of both poles.
"""

from __future__ import annotations

import bisect
import functools
import logging
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, NORM, ORTH, POS, SENT_START
from spacy.tokens import Doc

from analysis.errors import LexiconError
from analysis.lexicons.model import Lexicon, load_lexicon
from analysis.measures.framing import Evidence, field_names
from analysis.processing.quotes import MAX_UNCLOSED_CHARS, QUOTE_CHARS, Quote, QuotedMask, find_quotes, quoted_speech  # noqa: F401 (re-exported)

log = logging.getLogger(__name__)

#: Continuation rules (measured on SpkAtt-2023 train, see benchmarks/spkatt.py): Konjunktiv II substitutes
#: ("hätten", "würden") and reportative "sollen" ("soll … verlassen haben") mark reported speech too;
#: the chain of a speaker does not survive an indicative sentence (a gap of one sentence lowered source
#: precision more than it raised recall); a Konjunktiv I main clause with no attribution before it is
#: attributed to the subject of the preceding sentence.
USE_KONJ2 = True
USE_SOLL = True
CONTINUATION_GAP = 0
ORPHAN_KONJ1 = True
FORMS = ("direct", "indirect", "reported")
#: Rule names in ``Attribution.pattern``.
PATTERNS = (
    "quote",  # direct quote with a frame verb/"so"/"laut" before or after it
    "quote_context",  # direct quote without a frame: speaker from a ':' frame or the preceding attribution
    "quote_embedded",  # a quote in the clause of a reporting verb without other content ("nannte es „…“")
    "verb_clause",  # reporting verb + dass/ob/w-clause, Konjunktiv clause, zu-infinitive or ':'
    "verb_inverted",  # content first, frame after: "…, sagte Peskow."
    "wie",  # "wie X mitteilte, …"
    "so",  # "…, so X."
    "laut",
    "zufolge",
    "nach_angaben",  # "nach Angaben der Polizei", "nach Kremlangaben", "Seiner Meinung nach"
    "gemaess",
    "unter_berufung",
    "wonach",
    "demnach",
    "headline",  # "Kreml: Russland braucht auch Sicherheit"
    "summary",  # "Das erklärte ein Sprecher": the content is the sentence before
    "continuation",  # Konjunktiv sentence continuing the preceding attribution
    "verb_object",  # reported speech act without content clause
)
CAMPS_DEFAULT = (
    "russian_government",
    "ukrainian_government",
    "western_government",
    "nato_eu",
    "media_agency",
    "expert_civil",
    "other",
)
MEDIA_CAMP = "media_agency"
VERB_CLASSES = ("neutral", "evaluative")

# --------------------------------------------------------------------------- German word lists


DETS = frozenset(
    "der die das den dem des ein eine einer eines einem einen kein keine keiner keines keinem keinen "
    "dieser diese dieses diesem diesen jener jene jenes jenem jenen sein seine seiner seines seinem seinen "
    "ihr ihre ihrer ihres ihrem ihren unser unsere unserer unseres unserem unseren euer eure dessen deren "
    "viele vielen mehrere mehreren einige einigen zahlreiche zahlreichen alle allen beide beiden manche "
    "weitere weiteren andere anderen sämtliche".split()
)
GENITIVE_DETS = frozenset("des der eines einer seines seiner ihres ihrer unseres unserer dieses dieser jenes".split())
PRONOUNS = frozenset("er sie es wir ihr man jemand niemand dieser diese beide".split())
#: Object pronouns and reflexives: never a speaker.
OBJECT_PRONOUNS = frozenset("ihm ihn ihnen uns mir mich dir dich euch sich".split())
RELATIVE = frozenset("der die das welche welcher welches".split())
PREPS = frozenset(
    "an am ans auf aus bei beim bis durch für gegen gegenüber hinter in im ins mit nach neben ohne seit "
    "trotz über um unter vom von vor während wegen zu zum zur zwischen laut gemäß samt außer binnen dank "
    "per pro via angesichts anlässlich infolge innerhalb außerhalb zufolge bezüglich hinsichtlich "
    "entsprechend mittels statt anstelle".split()
)
CONJS = frozenset("und oder sowie aber sondern denn doch dass daß ob weil wenn als wie falls obwohl da damit".split())
ADVS = frozenset(
    "dies zudem dabei damit auch nun jetzt zugleich gleichzeitig bereits schon zuvor dann danach daraufhin "
    "deshalb daher darum so jedoch allerdings trotzdem außerdem ebenfalls erneut weiter weiterhin zuletzt "
    "später heute gestern morgen inzwischen mittlerweile bisher stattdessen vielmehr eben gerade einmal "
    "noch immer oft kürzlich ausdrücklich offenbar angeblich demnach wonach hier dort nicht sogar selbst "
    "ebenso zunächst zuerst schließlich letztlich insbesondere bislang derzeit aktuell einst "
    "wiederholt mehrfach abermals unterdessen indes indessen dazu hierzu hingegen dagegen ferner darin "
    "darauf daraus dadurch dafür davon damals seither seitdem bislang gleichwohl jedenfalls immerhin "
    "womöglich vermutlich wahrscheinlich möglicherweise tatsächlich nämlich übrigens ebenso zwar "
    "perspektivisch gegenwärtig künftig zukünftig ursprünglich".split()
)
#: Time nouns after "heute", "gestern", "am": "sagte heute Abend" (not a speaker).
TIME_NOUNS = frozenset(
    "abend morgen mittag nachmittag vormittag nacht montag dienstag mittwoch donnerstag freitag samstag "
    "sonntag wochenende woche monat jahr".split()
)
#: Leading focus particles skipped before a subject ("Auch Bundeskanzler Merz äußerte sich …").
FOCUS = frozenset("auch selbst sogar nur noch schon gerade ebenfalls sowohl insbesondere besonders".split())
#: Finite auxiliaries and modals: with them the reporting verb is a participle/infinitive at clause end.
AUX = frozenset(
    "hat habe haben hatte hatten hätte hätten ist sei sind seien war waren wäre wären wird werde werden "
    "wurde wurden würde würden kann könne können konnte konnten könnte könnten will wolle wollen wollte "
    "wollten soll solle sollen sollte sollten muss müsse müssen musste mussten müsste müssten darf dürfe "
    "dürfen durfte durften dürfte dürften möchte möchten mag".split()
)
SUBORDINATORS = frozenset(
    "dass daß ob wie warum weshalb wieso wann wo wer was wohin woher welche welcher welches inwiefern "
    "inwieweit weil".split()
)
#: Separable verb particles (closed up with the base verb: "teilte … mit" → mitteilen).
SEPARABLE = (
    "hinzu", "heraus", "hervor", "zurück", "zusammen", "voraus", "bekannt", "bereit", "fest",
    "klar", "frei", "fort", "kund", "nieder", "entgegen", "ab", "an", "auf", "aus", "bei", "dar", "ein",
    "mit", "nach", "vor", "weg", "zu", "hin", "her", "los",
)
_SEPARABLE_SET = frozenset(SEPARABLE)
#: Circumpositions whose second part looks like a particle: "auf eine Frage hin", "von Moskau aus".
CIRCUMPOSITIONS = {"hin": ("auf", "zu", "nach"), "an": ("von", "ab"), "aus": ("von",), "her": ("von", "um")}
#: Subordinating conjunctions that open a verb-final clause with its own subject.
CLAUSE_SUBORDINATORS = frozenset("nachdem weil wenn obwohl obgleich bevor sobald seitdem dass daß ob falls indem".split())
#: Heads of source documents in "in einer Erklärung des Ministeriums heißt es", "wird in einem Bericht gefordert".
DOCUMENT_HEADS = (
    "mitteilung", "pressemitteilung", "erklärung", "stellungnahme", "schreiben", "brief", "interview",
    "bericht", "studie", "rede", "ansprache", "botschaft", "beschluss", "urteil", "dokument", "papier",
    "artikel", "meldung", "communiqué", "kommuniqué", "zeitung", "sendung", "gespräch", "bulletin",
)
#: Reporting verbs (lexicon terms) whose clause without a content clause still reports what was said
#: ("Merz kritisierte die Pläne", "Peskow warnte vor einer Eskalation"): form ``reported``. Verbs that
#: mostly report acts rather than contents ("veröffentlichte", "bestätigte", "erklärte den Rücktritt") are
#: left out: measured on SpkAtt-2023 train, they were false alarms in most cases.
REPORTED_TERMS = frozenset(
    (
        "fordern", "verlangen", "sprechen von", "berichten von", "nennen", "bezeichnen", "warnen", "vorwerfen",
        "aufrufen", "auffordern", "kritisieren", "verurteilen", "begrüßen", "loben", "würdigen", "beklagen",
        "bemängeln", "befürchten", "fürchten", "bezweifeln", "bekräftigen", "betonen", "zurückweisen",
        "dementieren", "ankündigen", "einräumen", "appellieren", "plädieren", "vorschlagen", "sich aussprechen",
        "empfehlen", "mahnen", "anmahnen", "androhen", "beschuldigen", "hoffen", "unterstellen", "behaupten",
        "leugnen", "zugeben", "die Rede sein",
    )
)
#: Reporting verbs that take a zu-infinitive as their content ("kündigte an, … zu reformieren").
INFINITIVE_VERBS = frozenset(
    "ankündigen auffordern aufrufen fordern verlangen versprechen zusagen zusichern drohen androhen "
    "vorschlagen appellieren bitten warnen empfehlen anbieten versichern behaupten bestreiten beteuern "
    "vorwerfen beschuldigen vorgeben leugnen abstreiten hoffen plädieren mahnen ermahnen raten".split()
)
#: Konjunktiv I forms that are not "stem + e" (the generic rule in :func:`is_konjunktiv_i`).
KONJ1_FIXED = frozenset("sei seien seiest seiet habe werde könne müsse solle wolle dürfe möge wisse gebe".split())
#: Konjunktiv II forms used as substitutes in indirect speech.
KONJ2 = frozenset(
    "hätte hätten wäre wären würde würden könnte könnten müsste müssten dürfte dürften gäbe gäben käme "
    "kämen stünde stünden läge lägen ginge gingen wüsste bräuchte hieße".split()
)
#: Heads of nouns that name a source ("nach Angaben", "Polizeiangaben", "Medienberichten zufolge").
SOURCE_NOUN_SUFFIXES = (
    "angaben", "angabe", "bericht", "berichten", "berichte", "informationen", "aussagen", "aussage",
    "meinung", "ansicht", "auffassung", "einschätzung", "einschätzungen", "darstellung", "worten",
    "erkenntnissen", "schätzungen", "recherchen", "studie", "umfrage", "untersuchung", "untersuchungen",
    "mitteilung", "erklärung", "stellungnahme", "vernehmen", "überzeugung", "ermittlungen",
    "berechnungen", "quellen", "kreisen", "verlautbarung", "zählung", "prognose", "analyse",
)
#: Nouns of postposed "nach": "Seiner Meinung nach", "Dem Vernehmen nach".
POSTPOSED_NACH = frozenset("meinung ansicht auffassung worten vernehmen einschätzung überzeugung darstellung angaben".split())
#: Heads of a dative addressee after the speaker ("sagte Peskow der Zeitung …"): not part of the speaker.
ADDRESSEE_HEADS = (
    "zeitung", "agentur", "nachrichtenagentur", "sender", "fernsehsender", "radiosender", "magazin",
    "blatt", "journalisten", "reportern", "onlinedienst", "portal", "presse", "medien", "zuhörern",
)
#: Role nouns: a speaker phrase made of these without a name is resolved via the preceding attribution.
ROLE_HEADS = (
    "sprecher", "sprecherin", "präsident", "präsidentin", "minister", "ministerin", "chef", "chefin",
    "kanzler", "kanzlerin", "botschafter", "botschafterin", "diplomat", "vertreter", "vertreterin",
    "regierung", "ministerium", "behörde", "führung", "jährige", "jähriger", "jährigen", "politiker",
    "politikerin", "staatschef", "regierungschef", "generalsekretär", "berater", "beraterin",
)
_ADJ_ENDINGS = ("e", "en", "er", "es", "em")
AGENCY_CREDIT_RE = re.compile(
    r"\((?:Foto:\s*)?(?:dpa|AFP|Reuters|AP|KNA|epd|APA|SDA|dts|Xinhua|Interfax|TASS|Tass)"
    r"(?:\s*/\s*(?:dpa|AFP|Reuters|AP|KNA|epd|APA|SDA|dts|Xinhua|Interfax|TASS|Tass))*\)"
)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class TextSpan:
    """A character span of ``doc.text``: ``text == doc.text[start_char:end_char]``."""

    start_char: int
    end_char: int
    text: str


@dataclass(frozen=True)
class Agency:
    """A news agency or medium named as (part of) the source of an attribution."""

    actor_id: str
    span: TextSpan


@dataclass(frozen=True)
class Attribution:
    """One attributed statement.

    ``message`` covers the message (its first to its last character); ``message_parts`` are the exact
    pieces when a frame interrupts it ("Die Lage sei, so Peskow, ernst"). Token offsets (``*_tokens``) are
    ``doc`` token indices, end exclusive. ``actor_via``: ``"speaker"`` (named in the speaker phrase),
    ``"context"`` (pronoun, role noun or continuation: taken from the preceding attribution) or None.
    """

    form: str
    pattern: str
    cue: TextSpan | None
    speaker: TextSpan | None
    message: TextSpan
    message_parts: tuple[TextSpan, ...]
    actor_id: str | None = None
    actor_name: str | None = None
    camp: str | None = None
    actor_via: str | None = None
    verb: str | None = None
    verb_class: str | None = None
    agencies: tuple[Agency, ...] = ()
    nested: bool = False
    cue_tokens: tuple[int, ...] = ()
    speaker_tokens: tuple[int, int] | None = None
    message_tokens: tuple[tuple[int, int], ...] = ()

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in field_names(type(self))}


@dataclass(frozen=True)
class SourcingEvidence(Evidence):
    """An evidence line: framing's :class:`~analysis.measures.framing.Evidence` plus ``voice``."""

    voice: str = "own"


# --------------------------------------------------------------------------- lexicon-derived tables


@dataclass(frozen=True)
class VerbEntry:
    entry_id: str
    category: str
    lemma: str  # the full lemma, e.g. "mitteilen"
    base: str  # the base verb without a separable particle, e.g. "teilen" ("" when none)
    particle: str  # e.g. "mit" ("" when none)
    companions: tuple[str, ...]  # other words of the term that must occur in the clause ("davon", "es")
    term: str


def _verb_word_index(words: list[str]) -> int:
    """Position of the verb in a reporting-verb term: the last word ending like an infinitive."""
    for i in range(len(words) - 1, -1, -1):
        w = words[i].lower()
        if w in ("sein", "tun") or w.endswith(("en", "ern", "eln")):
            return i
    return len(words) - 1


def _split_particle(lemma: str) -> tuple[str, str]:
    for p in sorted(SEPARABLE, key=len, reverse=True):
        if lemma.startswith(p) and len(lemma) - len(p) >= 4:
            return p, lemma[len(p) :]
    return "", ""


#: Categories of other shipped lexicons that hold reporting verbs, mapped to a verb class. Shipped lexicons
#: share no term, so "behaupten"/"unterstellen" live in distancing.toml (claim_verb) only.
EXTRA_VERB_CATEGORIES = {"distancing": {"claim_verb": "evaluative"}}


class ReportingVerbs:
    """Lookup of reporting verbs by lemma, with separable particles and companion words.

    ``extra``: further lexicons whose categories hold reporting verbs, with the class to give them
    (default :data:`EXTRA_VERB_CATEGORIES`: distancing's ``claim_verb`` are evaluative).
    """

    def __init__(self, lexicon: Lexicon, extra: Sequence[Lexicon] = ()):
        self.lexicon = lexicon
        self.extra = tuple(extra)
        self.by_lemma: dict[str, list[VerbEntry]] = {}
        self.by_base: dict[str, list[VerbEntry]] = {}
        sources = [(entry, entry.category) for entry in lexicon.entries]
        for other in extra:
            mapping = EXTRA_VERB_CATEGORIES.get(other.name, {})
            sources.extend((entry, mapping[entry.category]) for entry in other.entries if entry.category in mapping)
        for entry, category in sources:
            for term in entry.terms:
                words = term.split()
                k = _verb_word_index(words)
                lemma = words[k].lower()
                companions = tuple(w.lower() for j, w in enumerate(words) if j != k and w.lower() not in DETS)
                particle, base = _split_particle(lemma)
                ve = VerbEntry(entry.id, category, lemma, base, particle, companions, term)
                self.by_lemma.setdefault(lemma, []).append(ve)
                if base:
                    self.by_base.setdefault(base, []).append(ve)
        self.lemmas = frozenset(self.by_lemma) | frozenset(self.by_base)

    def lookup(self, lemma: str, particle: str, clause_words: frozenset[str]) -> VerbEntry | None:
        """The entry for ``lemma`` (+ a separated ``particle``) whose companions occur in the clause."""
        candidates = self.by_lemma.get(particle + lemma, []) if particle else self.by_lemma.get(lemma, [])
        best = None
        for ve in candidates:
            if all(c in clause_words or "da" + c in clause_words or "dar" + c in clause_words for c in ve.companions):
                if best is None or len(ve.companions) > len(best.companions):
                    best = ve
        return best


@dataclass(frozen=True)
class _ActorTerm:
    entry_id: str
    mode: str
    words: tuple[str, ...]
    lowers: tuple[str, ...]
    norms: tuple[frozenset[str], ...]
    length: int  # characters, to prefer the most specific of overlapping terms
    excludes: tuple[str, ...]


class ActorTable:
    """Actors of ``lexicons/actors.toml``: id → camp and display name, and a matcher over token spans."""

    def __init__(self, lexicon: Lexicon, analyse):
        self.lexicon = lexicon
        self._prefix_cache: dict[str, bool] = {}  # lower-cased word → starts with a prefix term
        self._name_cache: dict[str, tuple[str, int] | None] = {}  # lower-cased word → name-prefix hit
        self.camp: dict[str, str] = {}
        self.name: dict[str, str] = {}
        self.camps: tuple[str, ...] = tuple(lexicon.category_names)
        terms: list[_ActorTerm] = []
        for entry in lexicon.entries:
            self.camp[entry.id] = entry.category
            self.name[entry.id] = entry.terms[0]
            excludes = tuple(x.lower().replace("-", "") for x in entry.exclude)
            for term in entry.terms:
                words = term.split()
                norms = analyse(term, words)
                terms.append(
                    _ActorTerm(entry.id, entry.match, tuple(words), tuple(w.lower() for w in words), norms, len(term), excludes)
                )
        self.by_first: dict[str, list[_ActorTerm]] = {}
        self.prefix_terms: list[_ActorTerm] = []
        for t in terms:
            if t.mode == "prefix":
                self.prefix_terms.append(t)
            else:
                keys = {t.lowers[0], *t.norms[0]}
                for k in keys:
                    self.by_first.setdefault(k, []).append(t)
        self.single_lowers = frozenset(t.lowers[0] for t in terms if len(t.lowers) == 1)
        self._prefix_re = re.compile(
            "^(?:" + "|".join(sorted({re.escape(t.lowers[0].replace("-", "")) for t in self.prefix_terms}, key=len, reverse=True)) + ")"
        ) if self.prefix_terms else None
        # speaker resolution also matches single-word names as prefixes ("Kremlangaben", "Peskows",
        # "Selenskyj-Regierung"), whatever their match mode in the lexicon
        prefixes = set()
        for t in terms:
            if len(t.words) == 1 and t.words[0][:1].isupper() and not t.words[0].isupper() and len(t.words[0]) >= 4:
                flat = t.lowers[0].replace("-", "")
                prefixes.add((flat, t.entry_id, t.excludes))
                if flat.endswith("s") and len(flat) >= 5:
                    # a genitive name term ("Kiews", "Selenskyjs") also stands for the bare name, which may be
                    # a term of another lexicon (shipped lexicons share no term)
                    prefixes.add((flat[:-1], t.entry_id, t.excludes))
        self.name_prefixes: list[tuple[str, str, tuple[str, ...]]] = sorted(prefixes, key=lambda x: -len(x[0]))

    def _token_ok(self, term: _ActorTerm, k: int, text: str, lower: str, norm: str) -> bool:
        want = term.lowers[k]
        if term.mode == "orth":
            return text == term.words[k]
        if term.mode == "lower":
            return lower == want
        if term.mode == "lemma":
            return lower == want or norm in term.norms[k] or norm == want
        # prefix: hyphens optional
        flat = lower.replace("-", "")
        if not flat.startswith(want.replace("-", "")):
            return False
        return not any(flat.startswith(x) for x in term.excludes)

    def _starts_with_prefix_term(self, lower: str) -> bool:
        """Whether a lower-cased word starts with a prefix term (cached per word type)."""
        cache = self._prefix_cache
        hit = cache.get(lower)
        if hit is None:
            hit = cache[lower] = self._prefix_re.match(lower.replace("-", "")) is not None
            if len(cache) > 1_000_000:
                cache.clear()
        return hit

    def _name_prefix(self, lower: str) -> tuple[str, int] | None:
        """(actor id, prefix length) of the longest name prefix of a capitalised word (cached per word type)."""
        cache = self._name_cache
        if lower in cache:
            return cache[lower]
        flat = lower.replace("-", "")
        hit = None
        for prefix, entry_id, excludes in self.name_prefixes:
            if flat.startswith(prefix) and not any(flat.startswith(x) for x in excludes):
                hit = (entry_id, len(prefix))
                break
        if len(cache) > 1_000_000:
            cache.clear()
        cache[lower] = hit
        return hit

    def match(self, view: "_View", start: int, end: int) -> list[tuple[int, int, str]]:
        """Actor matches (token start, token end, actor id) within tokens [start, end); longest term wins."""
        found: list[tuple[int, int, str, int]] = []
        words, lowers, norms = view.words, view.lowers, view.norms
        i = start
        while i < end:
            best = None
            cands = self.by_first.get(lowers[i], []) + self.by_first.get(norms[i], [])
            if self._prefix_re is not None and self._starts_with_prefix_term(lowers[i]):
                cands = cands + self.prefix_terms
            for t in cands:
                n = len(t.lowers)
                if i + n > end:
                    continue
                if all(self._token_ok(t, k, words[i + k], lowers[i + k], norms[i + k]) for k in range(n)):
                    if best is None or (n, t.length) > (best[1] - best[0], best[3]):
                        best = (i, i + n, t.entry_id, t.length)
            if best is None and words[i][:1].isupper():
                hit = self._name_prefix(lowers[i])
                if hit is not None:
                    best = (i, i + 1, hit[0], hit[1])
            if best is not None:
                found.append(best)
                i = best[1]
            else:
                i += 1
        return [(s, e, a) for s, e, a, _ in found]


@dataclass
class SourcingResources:
    """Everything the rules need from the lexicons, built once and shared by all documents."""

    verbs: ReportingVerbs
    actors: ActorTable

    @classmethod
    def from_lexicons(
        cls, actors: Lexicon, reporting_verbs: Lexicon, nlp=None, *, extra_verbs: Sequence[Lexicon] = ()
    ) -> "SourcingResources":
        """Build from loaded lexicons; ``nlp`` (the analysis pipeline) lemmatises the actor terms.

        ``extra_verbs``: other lexicons with reporting-verb categories (:data:`EXTRA_VERB_CATEGORIES`),
        e.g. the loaded ``distancing`` lexicon.
        """
        if nlp is None:
            nlp = _fallback_nlp()
        lemmatise = _term_lemmatiser(nlp)
        return cls(ReportingVerbs(reporting_verbs, extra_verbs), ActorTable(actors, lemmatise))

    @classmethod
    def from_lexicon_set(cls, lexicons: Iterable[Lexicon], nlp=None) -> "SourcingResources":
        """Build from the lexicons a run loaded (needs ``actors`` and ``reporting_verbs``)."""
        by_name = {lex.name: lex for lex in lexicons}
        missing = [n for n in ("actors", "reporting_verbs") if n not in by_name]
        if missing:
            raise LexiconError(f"sourcing needs the lexicon(s) {', '.join(missing)}; loaded: {', '.join(sorted(by_name)) or 'none'}")
        extra = [by_name[n] for n in EXTRA_VERB_CATEGORIES if n in by_name]
        return cls.from_lexicons(by_name["actors"], by_name["reporting_verbs"], nlp, extra_verbs=extra)

    @classmethod
    def load(cls, lexicon_dir: str | Path | None = None, nlp=None) -> "SourcingResources":
        """Load ``actors.toml``, ``reporting_verbs.toml`` (and ``distancing.toml`` when present) from
        ``lexicon_dir`` (default: the shipped folder)."""
        from analysis.lexicons.model import default_lexicon_dir

        folder = Path(lexicon_dir) if lexicon_dir else default_lexicon_dir()
        paths = [folder / "actors.toml", folder / "reporting_verbs.toml"]
        for p in paths:
            if not p.is_file():
                raise LexiconError(f"sourcing needs {p.name} in {folder}; it was not found")
        extra = [load_lexicon(folder / f"{n}.toml") for n in EXTRA_VERB_CATEGORIES if (folder / f"{n}.toml").is_file()]
        return cls.from_lexicons(load_lexicon(paths[0]), load_lexicon(paths[1]), nlp, extra_verbs=extra)

    def versions(self) -> dict[str, str]:
        """Versions of the lexicons the rules were built from (for run.json)."""
        lexicons = [self.actors.lexicon, self.verbs.lexicon, *self.verbs.extra]
        return {lex.name: lex.version for lex in lexicons}


@functools.lru_cache(maxsize=1)
def _fallback_nlp():
    from analysis.processing.nlp import blank_german

    return blank_german()


@functools.lru_cache(maxsize=1)
def default_resources() -> SourcingResources:
    """The shipped lexicons with the fallback lemmatiser (cached)."""
    return SourcingResources.load()


def _term_lemmatiser(nlp):
    pipes = [name for name in nlp.pipe_names if not name.startswith("lexicon:")]

    def analyse(term: str, words: list[str]) -> tuple[frozenset[str], ...]:
        variants = [term, " ".join(w.lower() if i < len(words) - 1 else w for i, w in enumerate(words))]
        options: list[set[str]] = [set() for _ in words]
        with nlp.select_pipes(enable=pipes):
            for doc in nlp.pipe(variants):
                toks = [t for t in doc if not t.is_space]
                if len(toks) != len(words):
                    continue
                for i, t in enumerate(toks):
                    options[i].add(t.norm_)
        return tuple(frozenset(o) for o in options)

    return analyse


# --------------------------------------------------------------------------- token view


def sentence_starts(doc: Doc, *, text: str | None = None, quotes: list[Quote] | None = None) -> list[int]:
    """Token indices where sentences start: spaCy's sentences, also split after every line break.

    Headings and datelines have no final punctuation; without the line-break split the sentencizer glues
    them to the next sentence. An opening quotation mark belongs to the sentence it opens, a closing one to
    the sentence it closes; a "sentence" that ends without punctuation before a lower-case word is glued to
    the next one (splitter error). ``text``/``quotes`` may be passed when already computed.
    """
    n = len(doc)
    if n == 0:
        return [0]
    arr = doc.to_array([SENT_START, IS_SPACE, IDX])
    space = arr[:, 1].tolist()
    idx = arr[:, 2].tolist()
    text = doc.text if text is None else text
    starts = {0}
    starts.update(np.flatnonzero(arr[:, 0] == 1).tolist())
    for i in np.flatnonzero(arr[:-1, 1]).tolist():
        if "\n" in text[idx[i] : idx[i + 1]]:
            starts.add(i + 1)
    quotes = find_quotes(text) if quotes is None else quotes
    openers = {q.start for q in quotes if not q.orphan}
    closers = {q.end - 1 for q in quotes if q.closed}
    fixed = set()
    for st in starts:
        while st > 0 and idx[st - 1] in openers and (st - 1) not in fixed:
            st -= 1
        while 0 < st < n - 1 and idx[st] in closers:
            st += 1
        fixed.add(st)
    ordered = sorted(fixed)
    out: list[int] = []
    for k, st in enumerate(ordered):
        end = ordered[k + 1] if k + 1 < len(ordered) else n
        if out and all(space[st:end]):
            continue
        if out and st > 0 and _broken_split(doc, st, text, idx, space):
            continue  # a sentence split in the middle of a sentence: glue it to the one before
        out.append(st)
    return out or [0]


_TERMINAL = frozenset(".!?:;…") | QUOTE_CHARS | {")", "]", "'", "''"}


def _broken_split(doc: Doc, st: int, text: str, idx: list[int], space: list[int]) -> bool:
    """The sentence before ``st`` ends without final punctuation and without a line break, and the next one
    starts in lower case ("Benita Ferrero-Waldner | teilte mit, …"): a splitter error, not a heading."""
    if space[st - 1]:
        return False
    prev = text[idx[st - 1] : idx[st]].rstrip()
    if prev in _TERMINAL or prev.endswith("."):
        return False
    return text[idx[st] : idx[st] + 1].islower()


#: Clause boundary tokens besides whitespace (see :meth:`_View.is_boundary`).
_BOUNDARY_WORDS = frozenset((",", ";", ":", "–", "—", "-", ".", "!", "?", "…"))
#: ORTH hash → (word, lower-cased word, no letter or digit, clause boundary, :func:`_mood_word`)
#: (bounded: cleared when full)
_WORD_CACHE: dict[int, tuple[str, str, bool, bool, bool]] = {}
_WORD_CACHE_SIZE = 200_000
#: string hash → string (bounded: cleared when full)
_STRING_CACHE: dict[int, str] = {}
_STRING_CACHE_SIZE = 500_000


def _cached(cache: dict, size: int, hashes: list[int], compute) -> list:
    """Per hash its value from ``cache``, computing a missing one with ``compute(hash)``; the cache
    is cleared when it holds ``size`` entries."""
    out = []
    for h in hashes:
        value = cache.get(h)
        if value is None:
            if len(cache) >= size:
                cache.clear()
            value = cache[h] = compute(h)
        out.append(value)
    return out


def _word_info(word: str) -> tuple[str, str, bool, bool, bool]:
    """(word, lower-cased, no letter or digit, clause boundary, may mark reported speech)."""
    lower = word.lower()
    return word, lower, not any(ch.isalnum() for ch in word), word in _BOUNDARY_WORDS or word.isspace(), _mood_word(lower)


def _word_infos(strings, hashes: list[int]) -> list[tuple[str, str, bool, bool, bool]]:
    """Per ORTH hash: the word and the properties the rules test per token (cached in :data:`_WORD_CACHE`)."""
    return _cached(_WORD_CACHE, _WORD_CACHE_SIZE, hashes, lambda h: _word_info(strings[h]))


def _strings(strings, hashes: list[int]) -> list[str]:
    """The string of each hash (cached in :data:`_STRING_CACHE`)."""
    return _cached(_STRING_CACHE, _STRING_CACHE_SIZE, hashes, strings.__getitem__)


class _View:
    """Per-document arrays: token strings, lemmas, offsets, sentences, quotation marks, and per-token flags
    (punctuation, clause boundary) computed once per document."""

    def __init__(self, doc: Doc, resources: SourcingResources, text: str | None = None):
        self.doc = doc
        self.res = resources
        self.text = text = doc.text if text is None else text
        self.n = n = len(doc)
        arr = doc.to_array([ORTH, NORM, LEMMA, IDX, POS])
        strings = doc.vocab.strings
        infos = _word_infos(strings, arr[:, 0].tolist())
        self.words = [info[0] for info in infos]
        self.lowers = [info[1] for info in infos]
        self.norms = _strings(strings, arr[:, 1].tolist())
        self._lemma_hashes = arr[:, 2].tolist()
        self.idx = arr[:, 3].tolist()
        pos = arr[:, 4]
        self.has_pos = bool(pos.any())
        self.pos = _strings(strings, pos.tolist()) if self.has_pos else None
        #: per token: no letter or digit (see :meth:`is_punct`)
        self.punct = [info[2] for info in infos]
        #: per token: a clause boundary (see :meth:`is_boundary`)
        self.boundary = [info[3] for info in infos]
        #: tokens whose word may mark reported speech (:func:`_mood_word`), in text order
        self.mood_words = [t for t, info in enumerate(infos) if info[4]]
        self.quotes = find_quotes(text)
        self.sent_starts = sentence_starts(doc, text=text, quotes=self.quotes)
        self.sent_ends = self.sent_starts[1:] + [n]
        self.sent_first = set(self.sent_starts)
        #: per token: index of its sentence
        self.sent_ids = np.repeat(np.arange(len(self.sent_starts)), np.diff(self.sent_starts + [n])).tolist() if n else []
        # quotes → token ranges
        self.quote_tokens: list[tuple[int, int]] = []
        self.in_quote = [-1] * n
        for qi, q in enumerate(self.quotes):
            ts = bisect.bisect_left(self.idx, q.start)
            te = bisect.bisect_left(self.idx, q.end)
            if te <= ts:
                te = min(ts + 1, n)
            self.quote_tokens.append((ts, te))
            self.in_quote[ts:te] = [qi] * (te - ts)
        self._cls: dict[int, str] = {}

    def lemma(self, i: int) -> str:
        """``token.lemma_`` of token i (looked up on demand: few tokens need it)."""
        return self.doc.vocab.strings[self._lemma_hashes[i]]

    # ---- basic predicates
    def sent_of(self, i: int) -> int:
        """Index of the sentence of token i (also for positions outside the document, by bisection)."""
        if 0 <= i < self.n:
            return self.sent_ids[i]
        return bisect.bisect_right(self.sent_starts, i) - 1

    def is_punct(self, i: int) -> bool:
        return self.punct[i]

    def is_boundary(self, i: int) -> bool:
        """Clause boundary token: punctuation except hyphens inside words; quotation marks."""
        return self.boundary[i]

    def sentence_content_end(self, s: int, e: int) -> int:
        """End of a sentence without its final punctuation, closing marks and whitespace."""
        while e > s and (self.words[e - 1] in (".", "!", "?", "…", ":", ";") or self.words[e - 1].isspace()):
            e -= 1
        return e

    def cls(self, i: int) -> str:
        c = self._cls.get(i)
        if c is None:
            c = self._classify(i)
            self._cls[i] = c
        return c

    def _classify(self, i: int) -> str:
        w = self.words[i]
        lw = self.lowers[i]
        if self.has_pos:
            p = self.pos[i]
            mapped = {
                "DET": "det", "PRON": "pron", "ADP": "prep", "CCONJ": "conj", "SCONJ": "conj", "ADV": "adv",
                "NOUN": "noun", "PROPN": "noun", "ADJ": "adj", "NUM": "num", "PUNCT": "punct", "VERB": "verb",
                "AUX": "verb", "PART": "adv", "SPACE": "punct",
            }.get(p)
            if mapped == "pron" and lw in DETS and lw not in PRONOUNS:
                mapped = "det"
            if mapped:
                return mapped
        if not w or w.isspace() or self.is_punct(i):
            return "punct"
        if lw in DETS:
            return "det"
        if lw in PRONOUNS:
            return "pron"
        if lw in OBJECT_PRONOUNS:
            return "adv"
        if lw in PREPS:
            return "prep"
        if lw in CONJS:
            return "conj"
        if lw in ADVS:
            return "adv"
        if lw in AUX:
            return "verb"
        if w[0].isdigit():
            return "noun" if re.search(r"-[A-ZÄÖÜ]", w) else "num"
        if w[0].isupper():
            lemma = self.lemma(i)
            attributive = i in self.sent_first or (i > 0 and (self.lowers[i - 1] in DETS or self.lowers[i - 1].endswith(_ADJ_ENDINGS) and not self.words[i - 1][:1].isupper()))
            if lemma[:1].islower() and lemma.lower() != lw.rstrip(".") and not w.isupper() and attributive:
                # the lemmatiser knows it as an adjective/adverb/verb: "Auswärtigen" (Amt),
                # sentence-initial "Stellvertretend", "Offiziell", "Monatelang"
                if i + 1 < self.n and self.words[i + 1][:1].isupper():
                    return "adj"
                return "verb" if self.norms[i] in self.res.verbs.lemmas else "adv"
            if i in self.sent_first and lemma[:1].islower() and not w.isupper():
                return "adv"
            if i in self.sent_first and lw.endswith(_ADJ_ENDINGS) and self.norms[i] != lw and i + 1 < self.n and self.words[i + 1][:1].isupper():
                return "adj"
            if i in self.sent_first and self.norms[i] in self.res.verbs.lemmas:
                return "verb"
            return "noun"
        if re.match(r"^[a-z]{1,3}[-'’][A-ZÄÖÜ]", w) or re.search(r"\.(?:de|com|org|net|at|ch)$", lw):
            return "noun"  # "al-Arabiya", "el-Baradei", "t-online.de", "ndr.de"
        if lw in self.res.actors.single_lowers:
            return "noun"  # lower-case names: "dpa", "el-Baradei"
        if lw in ("al", "el", "bin", "ibn", "van", "de", "da", "di", "dos", "du", "le", "la", "ten") and i + 1 < self.n and self.words[i + 1][:1].isupper():
            return "noun"  # name particles: "al Huthi", "de Maizière"
        if lw.endswith(_ADJ_ENDINGS) and len(lw) > 2:
            return "adj?"
        return "other"

    # ---- noun phrases
    def np_forward(
        self, i: int, limit: int, *, genitive: bool = True, coord: bool = True, apposition: bool = False
    ) -> tuple[int, int] | None:
        """Noun phrase starting at token ``i`` (before ``limit``): (start, end) or None.

        Covers determiners, adjectives, nouns and names ("der stellvertretende russische Außenminister
        Sergej Rjabkow"), party brackets ("( CDU )"), short quoted names ("die Zeitung „Yemen Observer“"),
        genitive attributes ("ein Sprecher des Unternehmens", "Angaben informierter Kreise"), affiliations
        ("Sipe von der US-Marineinfanterie"), coordination, and with ``apposition`` one apposition
        (", Elmar Gesse", ", ein Sprecher der SPLA,").
        """
        while i < limit and self.words[i].isspace():
            i += 1  # spaCy keeps non-breaking and double spaces as tokens
        if i >= limit:
            return None
        c = self.cls(i)
        if c == "pron":
            if self.lowers[i] in ("es", "man"):
                return None  # impersonal "es"/"man": no speaker ("Es wird vermutet, …", "hieß es")
            if coord and i + 2 < limit and self.lowers[i + 1] in ("und", "sowie") and self.cls(i + 2) in ("noun", "det"):
                sub = self.np_forward(i + 2, limit, coord=False)
                if sub is not None:
                    return (i, sub[1])  # "Er sowie Giesel"
            return (i, i + 1)
        j = i
        had_det = c == "det"
        if had_det:
            if i + 1 >= limit or self.cls(i + 1) not in ("noun", "adj", "adj?", "num") and self.words[i + 1] not in QUOTE_CHARS:
                if self.lowers[i] in ("diese", "dieser", "beide", "beiden", "alle", "einige", "viele", "mehrere", "manche"):
                    return (i, i + 1)  # demonstrative or quantifier used as a pronoun ("so schrieb diese")
                return None
            j += 1
        head = -1
        while j < limit:
            if self.words[j].isspace() and j + 1 < limit and not self.is_punct(j + 1):
                j += 1
                continue
            c = self.cls(j)
            lw = self.lowers[j]
            if c == "noun":
                if head != -1 and had_det and lw[:1] and self._plural_common(head) and not self._name_follows(j, limit):
                    break  # "die Organisationen | Bürger": the second noun is an object
                if head != -1 and self.norms[j] != lw and self.lemma(j)[:1].isupper() and self.norms[head] == self.lowers[head] and self.lemma(head)[:1].isupper() and not self.words[head].isupper() and self.norms[j] + "s" != lw:
                    break  # "dämpfte Peskow | Erwartungen": a name, then an inflected common noun
                head = j
                j += 1
                continue
            if c == "num" and (head == -1 or (self.words[j].startswith("0") and j + 1 < limit and self.cls(j + 1) == "noun")):
                j += 1
                continue
            if c in ("adj", "adj?") and (head == -1 or (not had_det and self.lowers[head].endswith("s") and head == i)) and self._noun_ahead(j, limit):
                j += 1
                continue
            if self.words[j] == "/" and head != -1 and j + 1 < limit and self.words[j + 1][:1].isupper():
                j += 1
                continue
            q = self.in_quote[j]
            if q >= 0 and self.words[j] in QUOTE_CHARS:
                qs, qe = self.quote_tokens[q]
                if qs == j and qe - qs <= 8 and qe <= limit and self.quotes[q].closed:
                    head = qe - 1
                    j = qe
                    continue
            if (
                head != -1
                and lw in ("van", "de", "der", "bin", "al", "da", "dos", "di", "du", "le", "la", "ten", "zu")
                and j + 1 < limit
                and self.words[j + 1][:1].isupper()
                and self.words[j - 1][:1].isupper()
                and (lw not in ("der", "zu") or self.lowers[j - 1] == "von")
                and not self.lowers[j + 1].endswith(SOURCE_NOUN_SUFFIXES)
            ):
                j += 1
                continue
            break
        if head == -1:
            return None
        end = head + 1
        # party or country in brackets: "Eberhard Diepgen ( CDU )"
        if end + 2 < limit and self.words[end] == "(" and self.words[end + 2] == ")":
            end += 3
        head_lw = self.lowers[head]
        if genitive and end < limit:
            nxt = self.lowers[end]
            if nxt in GENITIVE_DETS:
                # genitive attribute: "ein Sprecher des Unternehmens"; not "der Agentur Interfax zufolge"
                sub = self.np_forward(end, limit, genitive=True, coord=False)
                if sub is not None:
                    after = sub[1]
                    sub_head = self.lowers[sub[1] - 1]
                    if not (after < self.n and self.lowers[after] == "zufolge") and not sub_head.endswith(ADDRESSEE_HEADS):
                        end = sub[1]
            elif nxt in ("von", "vom", "aus") and end + 1 < limit and (
                self.words[end + 1][:1].isupper() or self.cls(end + 1) == "det" or self.words[end + 1] in QUOTE_CHARS
            ) and (nxt != "aus" or head_lw.endswith(SOURCE_NOUN_SUFFIXES)):
                # affiliation / source: "Sipe von der US-Marineinfanterie", "Angaben aus Militärkreisen"
                sub = self.np_forward(end + 1, limit, genitive=True, coord=False)
                if sub is not None:
                    end = sub[1]
            elif nxt == "für" and end + 1 < limit and self.cls(end + 1) in ("noun", "adj", "adj?") and self.words[end + 1][:1].isupper() or (
                nxt == "für" and end + 2 < limit and self.cls(end + 1) == "adj?" and self.cls(end + 2) == "noun"
            ):
                sub = self.np_forward(end + 1, limit, genitive=False, coord=False)
                if sub is not None and self.cls(sub[0]) != "det":
                    end = sub[1]
            elif head_lw.endswith(SOURCE_NOUN_SUFFIXES) and (
                (self.cls(end) == "noun" and (self.lowers[end].endswith("s") or self._name_follows(end, limit)))
                or (self.cls(end) in ("adj", "adj?") and self.lowers[end].endswith("er"))
            ):
                # genitive without article: "Angaben informierter Kreise", "Meinung Russlands"
                sub = self.np_forward(end, limit, genitive=True, coord=False)
                if sub is not None:
                    end = sub[1]
        # coordination: "Angela Merkel sowie Edmund Stoiber"
        if coord and end + 1 < limit and self.lowers[end] in ("und", "sowie") and self.cls(end + 1) in ("noun", "det"):
            sub = self.np_forward(end + 1, limit, genitive=genitive, coord=False)
            if sub is not None and (sub[1] >= limit or self.is_boundary(sub[1]) or self.cls(sub[1]) in ("verb", "prep", "adv", "other")):
                end = sub[1]
        # apposition: "der Vorsitzende des Linux-Verbandes , Elmar Gesse"
        if apposition and end + 1 < limit and self.words[end] == "," and self.cls(end + 1) in ("noun", "det", "adj", "adj?", "num"):
            if not (self.cls(end + 1) == "det" and self.lowers[end + 1] in RELATIVE and self._verb_before_boundary(end + 2, limit)):
                sub = self.np_forward(end + 1, limit, genitive=True, coord=False)
                if sub is not None and (sub[1] >= limit or self.words[sub[1]] in (",", ".", "!", "?", ";", ":", ")")):
                    end = sub[1]
        return (i, end)

    def _plural_common(self, k: int) -> bool:
        lw = self.lowers[k]
        return lw.endswith(("en", "ern")) and self.norms[k] != lw

    def _name_follows(self, j: int, limit: int) -> bool:
        """A name starts at j: another capitalised word follows, or the word is a known actor."""
        if j + 1 < limit and self.words[j + 1][:1].isupper() and self.cls(j + 1) == "noun":
            return True
        return self.lowers[j] in self.res.actors.single_lowers or bool(self.res.actors.match(self, j, j + 1))

    def _verb_before_boundary(self, j: int, limit: int) -> bool:
        for k in range(j, limit):
            if self.is_boundary(k):
                return False
            if self.cls(k) == "verb" or self.norms[k] != self.lowers[k] and self.lowers[k].endswith(("t", "te", "ten")) and not self.words[k][:1].isupper():
                return True
        return False

    def _noun_ahead(self, j: int, limit: int) -> bool:
        for k in range(j + 1, min(limit, j + 5)):
            c = self.cls(k)
            if c == "noun":
                return True
            if c not in ("adj", "adj?", "num") and not (self.lowers[k] in ("und", "oder") and k + 1 < limit and self.cls(k + 1) in ("adj", "adj?")):
                return False
        return False

    def np_backward(self, i: int, lo: int) -> tuple[int, int] | None:
        """Noun phrase ending just before token ``i`` (not before ``lo``): "der Agentur Interfax [zufolge]"."""
        j = i - 1
        start = None
        saw_noun = False
        while j >= lo:
            c = self.cls(j)
            if c == "noun" or (c == "num" and saw_noun):
                if saw_noun and c == "noun" and self.lowers[i - 1].endswith(SOURCE_NOUN_SUFFIXES) and start == i - 1:
                    break  # "nimmt die Organisation | Schätzungen zufolge"
                saw_noun = True
                start = j
                j -= 1
                continue
            if c in ("adj", "adj?") and saw_noun:
                start = j
                j -= 1
                continue
            if c == "det" and saw_noun:
                start = j
                if (
                    self.lowers[j] in GENITIVE_DETS
                    and j - 1 >= lo
                    and self.cls(j - 1) == "noun"
                    and self.lowers[j - 1].endswith(SOURCE_NOUN_SUFFIXES)
                ):
                    j -= 1
                    continue
                break
            if c == "prep" and saw_noun and self.lowers[j] in ("von", "vom", "aus") and j - 1 >= lo and self.lowers[j - 1].endswith(SOURCE_NOUN_SUFFIXES):
                j -= 1
                continue
            break
        if start is None or not saw_noun:
            return None
        return (start, i)


# --------------------------------------------------------------------------- the rules

#: Words that open an attribution formula (:meth:`_Extractor.rule_formulae`).
_FORMULA_WORDS = frozenset(("laut", "zufolge", "nach", "gemäß", "unter", "wonach", "demnach", "so"))


def is_konjunktiv_i(lower: str, norm: str) -> bool:
    """Konjunktiv I of the 3rd person: 'sei', 'seien', 'habe', and 'stem + e' ('brauche' ← brauchen)."""
    if lower in KONJ1_FIXED:
        return True
    return _stem_e(lower) and norm == lower + "n"


def _stem_e(lower: str) -> bool:
    """The word can be a 'stem + e' Konjunktiv I (:func:`is_konjunktiv_i` also compares the lemma)."""
    return len(lower) > 3 and lower.endswith("e")


def _mood_word(lower: str) -> bool:
    """The word may mark reported speech in :meth:`_Extractor._reported_mood`: a possible Konjunktiv I, a
    Konjunktiv II substitute or a form of "sollen"."""
    return lower in KONJ1_FIXED or _stem_e(lower) or lower in KONJ2 or lower in ("soll", "sollen")


@dataclass
class _Cand:
    form: str
    pattern: str
    cue: tuple[int, ...]
    speaker: tuple[int, int] | None
    message: list[tuple[int, int]]
    verb: VerbEntry | None = None
    nested: bool = False
    quote_ids: tuple[int, ...] = ()
    context_speaker: "_Cand | None" = None  # continuation/coreference source
    actor_id: str | None = None
    actor_via: str | None = None
    frame_extra: list[tuple[int, int]] = field(default_factory=list)  # folded "laut Tass" phrases

    def sentence_tokens(self) -> set[int]:
        toks = set(self.cue)
        if self.speaker:
            toks.update(range(*self.speaker))
        for s, e in self.message:
            toks.update(range(s, e))
        return toks


@dataclass
class _VerbHit:
    i: int
    entry: VerbEntry
    extra: tuple[int, ...]  # particle/companion token indices for the cue


class _Extractor:
    def __init__(self, doc: Doc, resources: SourcingResources, text: str | None = None):
        self.v = _View(doc, resources, text)
        self.res = resources
        self.cands: list[_Cand] = []
        self.used = [False] * self.v.n  # tokens of top-level frames/messages
        self.used_verbs: set[int] = set()

    # ---- verbs
    def clause_bounds(self, i: int) -> tuple[int, int]:
        v = self.v
        si = v.sent_of(i)
        s, e = v.sent_starts[si], v.sent_ends[si]
        a = i
        while a > s and not v.is_boundary(a - 1):
            a -= 1
        b = i + 1
        while b < e and not v.is_boundary(b):
            b += 1
        return a, b

    def verb_hits(self) -> list[_VerbHit]:
        v = self.v
        verbs = self.res.verbs
        hits = []
        lemmas = verbs.lemmas
        for i in [i for i, norm in enumerate(v.norms) if norm in lemmas]:
            norm = v.norms[i]
            if v.in_quote[i] >= 0:
                continue
            w = v.words[i]
            if w[:1].isupper():
                continue  # a noun ("das Sagen") or a sentence-initial imperative ("Kommentieren Sie …")
            if self._adjectival(i):
                continue
            if (i + 1 < v.n and v.lowers[i + 1] == "zu") or (i > 0 and v.lowers[i - 1] == "zu"):
                continue  # infinitive inside another clause ("informiert zu werden", "zu sagen")
            a, b = self.clause_bounds(i)
            clause_words = frozenset(v.lowers[a:b] + v.norms[a:b])
            particle, p_i = "", None
            # separated particle at the end of the verb's clause ("teilte … mit,"), not a circumposition
            last = b - 1
            while last > i and v.words[last] in QUOTE_CHARS:
                last -= 1
            if last > i and v.lowers[last] in _SEPARABLE_SET and not any(
                v.lowers[k] in CIRCUMPOSITIONS.get(v.lowers[last], ()) for k in range(i + 1, last)
            ):
                particle, p_i = v.lowers[last], last
            # particle written apart before a participle ("bekannt gegeben")
            elif i - 1 >= a and v.lowers[i - 1] in ("bekannt", "bereit", "fest", "klar"):
                particle, p_i = v.lowers[i - 1], i - 1
            entry = None
            if particle:
                entry = verbs.lookup(norm, particle, clause_words)
                if entry is None and norm not in verbs.by_lemma:
                    continue
                if entry is None:
                    # the particle belongs to the verb but the compound is no reporting verb ("sagte … ab")
                    continue
            else:
                entry = verbs.lookup(norm, "", clause_words)
            if entry is None:
                continue
            extra = []
            if p_i is not None:
                extra.append(p_i)
            for c in entry.companions:
                for k in range(a, b):
                    if k != i and (v.lowers[k] in (c, "da" + c, "dar" + c) or v.norms[k] == c):
                        extra.append(k)
                        break
            hits.append(_VerbHit(i, entry, tuple(sorted(extra))))
        return hits

    def _adjectival(self, i: int) -> bool:
        v = self.v
        lw = v.lowers[i]
        nxt_noun = i + 1 < v.n and v.words[i + 1][:1].isupper() and v.cls(i + 1) == "noun"
        # inflected participles: "die angekündigte Reform", "das erklärte Ziel", "gegebenen Zusagen"
        if not nxt_noun or not lw.endswith(("te", "ten", "tes", "ter", "tem", "ene", "enen", "ener", "enes", "enem")):
            return False
        if i > 0 and v.cls(i - 1) in ("det", "adj", "adj?"):
            return True
        stem = lw
        for p in SEPARABLE:
            if stem.startswith(p + "ge"):
                return True
        return stem.startswith("ge") and not stem.startswith("geh")

    # ---- speaker of a main clause
    def subject(self, a: int, f: int, b: int) -> tuple[int, int] | None:
        """Subject of a clause [a, b) whose finite verb is at f: the pre-field NP or the NP after f."""
        v = self.v
        k = a
        while k < f and v.lowers[k] in ("und", "aber", "doch", "denn", "sondern", "oder"):
            k += 1
        while k < f and v.lowers[k] in FOCUS:
            k += 1
        s0 = v.sent_starts[v.sent_of(f)]
        if k < f and f + 1 < b and v.lowers[f + 1] in ("er", "wir", "man", "ich") and v.cls(k) != "pron":
            return (f + 1, f + 2) if v.lowers[f + 1] != "man" else None  # object fronted: "Die Tat bezeichnete er …"
        if k < f and v.lowers[k] in CLAUSE_SUBORDINATORS:
            # "nachdem sie berichtet hatte", "bei dem man davon ausgeht", "weil er sagte"
            j = k + 1
            while j < f and (v.lowers[j] in RELATIVE or v.cls(j) == "prep"):
                j += 1
            return v.np_forward(j, f) if j < f else None
        if k < f and v.lowers[f - 1] in ("und", "sowie", "aber", "doch", "sondern", "oder") or (
            k < f - 1 and v.lowers[f - 2] in ("und", "sowie") and v.cls(f - 1) == "adv"
        ):
            # a second verb sharing the subject: "Norbert Lammert erwartet … und gab bekannt"
            sp = v.np_forward(k, f, apposition=True)
            if sp is not None and sp[1] < f and not v.words[sp[1]][:1].isupper() and v.cls(sp[1]) in ("verb", "other", "adj?"):
                return sp
            und = f - 1 if v.lowers[f - 1] in ("und", "sowie", "aber", "doch", "sondern", "oder") else f - 2
            sp = self._v2_subject(k, und)
            if sp is not None:
                return sp
        if k < f:
            np_ = v.np_forward(k, f)
            if np_ is not None and np_[1] < f and all(v.lowers[m] in ADVS or v.lowers[m] in FOCUS for m in range(np_[1], f)):
                return np_  # "Die Kanadier hingegen sagen, …"
            if np_ is not None and np_[1] == f:
                if a > s0 and v.words[a - 1] == ",":
                    # "SPD-Chef, Vizekanzler und Bundesfinanzminister Lars Klingbeil zeigte sich …"
                    whole = self.prefield_subject(s0, f)
                    if whole is not None:
                        return whole
                return np_
            whole = self.whole_prefield(k, f)
            if whole is not None:
                after = self.np_after(f, b)
                if after is not None and self._named(after) and not self._named((max(whole[0], whole[1] - 2), whole[1])):
                    return after  # a fronted object: "Die … geäußerte Ablehnung begründete Kremlsprecher Peskow …"
                return whole
        if k == f and a > s0 and v.words[a - 1] == ",":
            # the clause starts after a comma inside the subject: "Steve Marshall, Sprecher …, sagte";
            # "Robert Chow, der … führt, erinnerte"
            sp = self.prefield_subject(s0, a - 1)
            if sp is not None:
                return sp
        return self.np_after(f, b)

    def _named(self, np_: tuple[int, int]) -> bool:
        """The phrase names someone: an actor of the lexicon or a name of two capitalised words."""
        v = self.v
        if self.res.actors.match(v, *np_):
            return True
        caps = 0
        for t in range(*np_):
            caps = caps + 1 if v.cls(t) == "noun" and v.words[t][:1].isupper() and v.lemma(t)[:1].isupper() and v.norms[t] == v.lowers[t] else 0
            if caps >= 2:
                return True
        return False

    def whole_prefield(self, k: int, f: int) -> tuple[int, int] | None:
        """The whole pre-field as subject when it is one noun phrase with attributes that the chunker does
        not cover ("Ein Regierungssprecher in Berlin", "Ärzte ohne Grenzen"): German main clauses put exactly
        one constituent before the finite verb. Accusative/dative articles and prepositions rule it out."""
        v = self.v
        if f - k > 25 or k >= f:
            return None
        first = v.lowers[k]
        c = v.cls(k)
        if c == "det":
            if first in ("den", "dem", "einem", "einen", "des", "deren", "dessen"):
                return None
        elif c == "noun":
            if not (k + 1 < f and v.cls(k + 1) in ("noun", "prep")):
                return None
        else:
            return None
        if v.cls(f - 1) not in ("noun", "punct", "num") and v.words[f - 1] not in QUOTE_CHARS:
            return None
        for m in range(k, f):
            if v.cls(m) in ("verb", "other") or v.lowers[m] in SUBORDINATORS or v.words[m] in (":", ";"):
                return None
        end = f
        while end > k and v.words[end - 1] in (",", "–", "-"):
            end -= 1
        return (k, end)

    def np_after(self, f: int, b: int) -> tuple[int, int] | None:
        """The subject right after the finite verb ("Am Mittwoch erklärte Kremlsprecher Dmitri Peskow, …")."""
        v = self.v
        e0 = v.sent_ends[v.sent_of(f)]
        j = f + 1
        while j < b and (
            v.words[j].isspace() or v.lowers[j] in ADVS or v.lowers[j] in FOCUS or v.lowers[j] in OBJECT_PRONOUNS or v.cls(j) == "adv"
            or (v.lowers[j] in TIME_NOUNS and j > f + 1 and v.lowers[j - 1] in ("heute", "gestern", "morgen", "am"))
        ):
            j += 1
        if j < b:
            np_ = v.np_forward(j, e0, apposition=True)
            if np_ is not None:
                return self._locative_tail(np_, e0)
        return None

    def _locative_tail(self, np_: tuple[int, int], limit: int) -> tuple[int, int]:
        """'die Regierung in Lomé', 'ein Sprecher des LBM in Koblenz': a place attached to an institution
        (only after a determiner-initial phrase, and only when the clause ends there)."""
        v = self.v
        a, b = np_
        if v.cls(a) != "det" or b + 1 >= limit or v.lowers[b] not in ("in", "im", "aus"):
            return np_
        m = b + 1
        if v.cls(m) == "det":
            m += 1
        k = m
        while k < limit and v.cls(k) == "noun":
            k += 1
        if k == m:
            return np_
        if k >= limit or v.is_boundary(k) or v.lowers[k] in _SEPARABLE_SET or v.lowers[k] in ("zufolge",):
            return (a, k)
        return np_

    def prefield_subject(self, s0: int, end: int) -> tuple[int, int] | None:
        """Subject spanning comma-separated chunks [s0, end): NP (+ appositions, + relative clauses)."""
        v = self.v
        k = s0
        while k < end and (v.lowers[k] in FOCUS or v.is_punct(k)):
            k += 1
        first = v.np_forward(k, end)
        if first is None:
            return None
        if first[1] < end and v.cls(first[1]) == "prep":
            m = first[1]
            while m < end and v.words[m] != "," and v.cls(m) != "verb" and v.lowers[m] not in SUBORDINATORS:
                m += 1
            if m == end or v.words[m] == ",":
                first = (first[0], m)
        subj_end = first[1]
        j = first[1]
        relative_seen = False
        while j < end:
            if v.words[j] not in (",", "und", "sowie", "oder") or j + 1 >= end:
                return None
            nj = j + 1
            nxt = v.np_forward(nj, end, coord=True)
            if (v.lowers[nj] in RELATIVE or v.lowers[nj] in ("dessen", "deren")) and (
                nxt is None or (nxt[1] < end and v.words[nxt[1]] != "," and v.cls(nxt[1]) != "prep")
            ):
                # a relative clause (not an apposition "die Sprecherin der FDP-Fraktion"): up to the next comma
                m = nj + 1
                while m < end and v.words[m] != ",":
                    m += 1
                relative_seen = True
                j = m
                continue
            if nxt is not None and nxt[1] < end and v.words[nxt[1]] != "," and v.cls(nxt[1]) == "prep":
                # a prepositional tail: "ein Sprecher des Zyklonwarnzentrums in Brisbane"
                m = nxt[1]
                while m < end and v.words[m] != "," and v.cls(m) != "verb" and v.lowers[m] not in SUBORDINATORS:
                    m += 1
                if m == end or v.words[m] == ",":
                    nxt = (nxt[0], m)
            if nxt is None:
                if v.cls(nj) == "num" and nj + 1 <= end:  # age: "Alice Kakamara, 30,"
                    j = nj + 1
                    if not relative_seen:
                        subj_end = j
                    continue
                return None
            j = nxt[1]
            if not relative_seen:
                subj_end = j
        return (k, subj_end) if j == end else None

    def finite(self, a: int, i: int) -> int:
        """The finite verb of the clause: an auxiliary before the reporting verb, or the verb itself."""
        v = self.v
        for k in range(a, i):
            if v.lowers[k] in AUX and v.cls(k) == "verb" and not (k == a and False):
                return k
        return i

    # ---- complements
    def complement_after(self, b: int, e: int, verb: VerbEntry | None = None) -> tuple[int, int] | None:
        """Content clause after the clause boundary at token b (',' or ':') up to the sentence end."""
        v = self.v
        if b >= e or v.words[b] not in (",", ":"):
            return None
        start = b + 1
        if start >= e:
            return None
        end = v.sentence_content_end(start, e)
        if end <= start:
            return None
        # stop before a following clause with its own reporting verb ("…, doch X erklärte, …")
        for m in range(start + 1, end):
            if v.lowers[m] in ("und", "sowie") and v.cls(m + 1) in ("det", "noun") if m + 1 < end else False:
                n = m + 1
                while n < end and not v.is_boundary(n) and v.lowers[n] not in SUBORDINATORS:
                    if n in self.hit_at and v.in_quote[n] < 0 and not is_konjunktiv_i(v.lowers[n], v.norms[n]):
                        sp = v.np_forward(m + 1, n)
                        if sp is not None and sp[1] == n:
                            end = m
                        break
                    n += 1
                if end == m:
                    break
            if v.words[m] == "," and m + 1 < end:
                n = m + 1
                while n < end and not v.is_boundary(n):
                    if n in self.hit_at and v.in_quote[n] < 0 and v.lowers[m + 1] not in SUBORDINATORS:
                        end = m
                        break
                    n += 1
                if end == m:
                    break
        if end <= start:
            return None
        if v.words[b] == ":":
            return (start, end)
        lw = v.lowers[start]
        if lw in SUBORDINATORS:
            return (start, end)
        # the next clause has a Konjunktiv or is a zu-infinitive
        k = start
        while k < end and not v.is_boundary(k):
            if is_konjunktiv_i(v.lowers[k], v.norms[k]) or v.lowers[k] in KONJ2:
                return (start, end)
            k += 1
        if verb is not None and verb.lemma in INFINITIVE_VERBS and k - 2 >= start:
            if v.lowers[k - 2] == "zu" or re.fullmatch(r"(?:%s)zu[a-zäöü]{3,}en" % "|".join(SEPARABLE), v.lowers[k - 1]):
                return (start, end)
        return None

    # ---- rules
    def run(self) -> list[_Cand]:
        hits = self.verb_hits()
        hit_at = {h.i: h for h in hits}
        self.hit_at = hit_at
        self.rule_quotes(hit_at)
        self.rule_verbs(hits)
        self.rule_formulae()
        self.rule_headlines()
        self.rule_continuation()
        return self.cands

    def _claim(self, cand: _Cand) -> None:
        for t in cand.sentence_tokens():
            self.used[t] = True
        self.cands.append(cand)

    def _after_frame(self, j: int, e: int):
        """A frame that starts at token j: (cue tokens, speaker, verb entry, frame end) or None."""
        v = self.v
        if j >= e:
            return None
        lw = v.lowers[j]
        if lw == "so" and j + 1 < e:
            np_ = v.np_forward(j + 1, e)
            if np_ is not None:
                return (j,), np_, None, np_[1], "so"
            return None
        if lw == "laut" and j + 1 < e:
            np_ = v.np_forward(j + 1, e)
            if np_ is not None:
                return (j,), np_, None, np_[1], "laut"
            return None
        if lw == "wie" and j + 1 < e:
            for k in range(j + 1, min(e, j + 14)):
                h = self.hit_at.get(k)
                if h is not None:
                    np_ = v.np_forward(j + 1, k)
                    return (j, k, *h.extra), np_, h.entry, k + 1, "wie"
                if v.is_boundary(k):
                    break
            return None
        # a verb at j, or an auxiliary at j with the verb later in the clause ("…“, hatte er gesagt")
        a, b = self.clause_bounds(j)
        for k in range(j, b):
            h = self.hit_at.get(k)
            if h is not None and k not in self.used_verbs:
                if k == j or v.lowers[j] in AUX:
                    sp = self.np_after(j, b)
                    if h.entry.lemma == "heißen":
                        sp = self._heisst_es_source(k, b)
                    elif sp is None:
                        sp = self._pp_source(j, b, agent=True)
                    return (k, *h.extra), sp, h.entry, b, "verb"
                break
        return None

    def _heisst_es_source(self, k: int, b: int) -> tuple[int, int] | None:
        """'hieß es in einer Erklärung des Ministeriums' / 'hieß es vom Sprecher': the source phrase,
        with its preposition (as SpkAtt annotates these frames)."""
        v = self.v
        a = self.clause_bounds(k)[0]
        sp = self._pp_source(a, b, agent=True, bei=True)
        if sp is not None and sp[0] > a and v.cls(sp[0] - 1) == "prep":
            return (sp[0] - 1, sp[1])
        return sp

    def _pp_source(self, a: int, b: int, *, agent: bool, bei: bool = False) -> tuple[int, int] | None:
        """A source named in a prepositional phrase of the clause [a, b): "in einer Pressemitteilung des
        WWF", "aus dem Kreml"; with ``agent`` also the agent of a passive/impersonal frame ("vom Sprecher
        Mark Toner", "von Demjanjuks Sohn")."""
        v = self.v
        for k in range(a, b - 1):
            lw = v.lowers[k]
            if lw in ("in", "im", "aus", "laut") or (agent and lw in ("von", "vom", "seitens")) or (bei and lw in ("bei", "beim")):
                np_ = v.np_forward(k + 1, b)
                if np_ is None:
                    continue
                head = v.lowers[self._np_head(np_)]
                if lw in ("von", "vom", "seitens", "bei", "beim") or head.endswith(DOCUMENT_HEADS) or self.res.actors.match(v, *np_):
                    return np_
        return None

    def rule_quotes(self, hit_at: dict[int, _VerbHit]) -> None:
        v = self.v
        done: set[int] = set()
        for qi, (qs, qe) in enumerate(v.quote_tokens):
            if qi in done or qe - qs < 2:
                continue
            q = v.quotes[qi]
            inner_words = sum(1 for t in range(qs, qe) if not v.is_punct(t))
            if inner_words == 0:
                continue
            s_close = v.sent_of(qe - 1)
            # frame after the closing mark: "…“, sagte Peskow." (the frame may start the next sentence)
            j = qe
            frame = None
            if j < v.n and v.words[j] == ",":
                frame = self._after_frame(j + 1, v.sent_ends[v.sent_of(j + 1)] if j + 1 < v.n else v.n)
            elif j < v.n and q.closed and qe - 2 >= qs and (v.words[qe - 2] in ("?", "!", ".", "…") or v.lowers[j] in ("so", "laut")):
                frame = self._after_frame(j, v.sent_ends[v.sent_of(j)])
            if frame is not None:
                cue, sp, entry, fend, pat = frame
                msg = [(qs, qe)]
                # interrupted quote: „…“, sagte er, „…“
                quote_ids = [qi]
                if fend < v.n and v.words[fend] == "," and fend + 1 < v.n and v.in_quote[fend + 1] >= 0:
                    q2 = v.in_quote[fend + 1]
                    if q2 != qi:
                        msg.append(v.quote_tokens[q2])
                        quote_ids.append(q2)
                        done.add(q2)
                cand = _Cand("direct", "quote", tuple(cue), sp, msg, entry, quote_ids=tuple(quote_ids))
                if entry is not None:
                    self.used_verbs.add(cue[1] if pat == "wie" else cue[0])
                self._claim(cand)
                continue
            # frame before the opening mark: "Peskow sagte: „…“" / "antwortete Rjabkow: „…“"
            if qs > 0 and v.words[qs - 1] in (":", ","):
                colon = qs - 1
                so = v.sent_starts[v.sent_of(colon)]
                for k in range(colon - 1, so - 1, -1):
                    if v.in_quote[k] >= 0:
                        so = k + 1  # an earlier quote in the same sentence ends the frame
                        break
                lo = so if v.words[colon] == ":" else self.clause_bounds(colon - 1)[0] if colon > so else colon
                hit = None
                for k in range(colon - 1, lo - 1, -1):
                    h = hit_at.get(k)
                    if h is not None and k not in self.used_verbs and not self.used[k]:
                        hit = h
                        break
                if hit is not None:
                    a, b = self.clause_bounds(hit.i)
                    a0 = a
                    while a0 < hit.i and v.lowers[a0] in ("und", "aber", "doch", "denn", "sondern", "oder"):
                        a0 += 1
                    f = self.finite(a0, hit.i)
                    sp = self.subject(a0, f, b)
                    comp = self.complement_after(b, colon + 1, hit.entry) if b < colon else None
                    if comp is None:
                        self.used_verbs.add(hit.i)  # a verb with its own content clause keeps it
                    self._claim(_Cand("direct", "quote", (hit.i, *hit.extra), sp, [(qs, qe)], hit.entry, quote_ids=(qi,)))
                    continue
                if v.words[colon] == ":":
                    sp = None
                    # "…, so Elshorst weiter: „…“"
                    for k in range(colon - 1, so, -1):
                        if v.lowers[k] == "so" and v.words[k - 1] == ",":
                            sp = v.np_forward(k + 1, colon)
                            break
                    if sp is None and colon > so:
                        # "Bundesinnenminister Schäuble: „…“", "Ein Beamter der Nationalpolizei: „…“"
                        sp = self.prefield_subject(so, colon) or self.whole_prefield(so, colon)
                    if sp is None and colon > so:
                        # the subject of the clause before the colon ("Dabei griff sie … an:")
                        sp = self._v2_subject(so, colon)
                    self._claim(_Cand("direct", "quote_context", (), sp, [(qs, qe)], None, quote_ids=(qi,)))
                    continue
            # standalone: the quote is (nearly) the whole sentence(s)
            s_open = v.sent_of(qs)
            before = [t for t in range(v.sent_starts[s_open], qs) if not v.is_punct(t)]
            after = [t for t in range(qe, v.sent_ends[s_close]) if not v.is_punct(t)]
            if not before and not after and inner_words >= 2:
                sp = None
                # "Das sagte Peskow." in the next sentence
                nxt = s_close + 1
                if nxt < len(v.sent_starts):
                    ns = v.sent_starts[nxt]
                    ne = v.sent_ends[nxt]
                    if ns + 1 < ne and v.lowers[ns] in ("das", "dies") and hit_at.get(ns + 1) is not None:
                        h = hit_at[ns + 1]
                        sp = self.subject(ns, ns + 1, ne)
                        self.used_verbs.add(h.i)
                        self._claim(_Cand("direct", "quote", (h.i, *h.extra), sp, [(qs, qe)], h.entry, quote_ids=(qi,)))
                        continue
                self._claim(_Cand("direct", "quote_context", (), None, [(qs, qe)], None, quote_ids=(qi,)))
                continue

    def _v2_subject(self, s: int, end: int) -> tuple[int, int] | None:
        """Subject of a main clause [s, end) without a known verb: German puts one constituent before the
        finite verb; an NP there is the subject, else the NP right after the verb ("Dabei griff sie …")."""
        v = self.v
        c = v.cls(s)
        if c in ("det", "noun", "pron", "adj"):
            np_ = v.np_forward(s, end, apposition=True)
            if np_ is None:
                return None
            nxt = np_[1] + 1 if np_[1] < end and v.words[np_[1]] == "," else np_[1]
            if nxt < end and v.words[nxt][:1].islower() and v.cls(nxt) not in ("det", "prep"):
                return np_
            return None
        if c == "adv" or v.lowers[s] in ADVS:
            f = s + 1
        elif c == "prep":
            f = s + 1
            while f < end and v.cls(f) in ("det", "adj", "adj?", "noun", "num"):
                f += 1
        else:
            return None
        if f >= end or v.words[f][:1].isupper() or v.is_boundary(f):
            return None
        return self.np_after(f, end)

    def rule_verbs(self, hits: list[_VerbHit]) -> None:
        v = self.v
        for h in hits:
            i = h.i
            if i in self.used_verbs or self.used[i]:
                continue
            si = v.sent_of(i)
            s, e = v.sent_starts[si], v.sent_ends[si]
            a, b = self.clause_bounds(i)
            cue = (i, *h.extra)
            a0 = a
            while a0 < i and v.lowers[a0] in ("und", "aber", "doch", "denn", "sondern", "oder"):
                a0 += 1
            # "wie X mitteilte, …" / "…, wie X mitteilte." (X may contain appositions with commas)
            wie = self._wie_start(a0, i, s)
            if wie is not None:
                j = wie + 1
                while j < i and (v.lowers[j] in ADVS | FOCUS or v.words[j].isspace()):
                    j += 1
                sp = v.np_forward(j, i, apposition=True)
                if sp is not None:
                    sp = self._locative_tail(sp, i)
                if sp is None and j < i:
                    # names the chunker does not know ("t-online.de"): up to a preposition or the verb
                    m = j
                    while m < i and v.cls(m) not in ("prep", "verb", "adv", "punct", "conj"):
                        m += 1
                    sp = (j, m) if m > j else None
                msg = []
                if wie == s:
                    end = v.sentence_content_end(b + 1, e) if b < e and v.words[b] == "," else None
                    if end:
                        msg = [(b + 1, end)]
                elif v.words[wie - 1] == ",":
                    msg = [(s, wie - 1)]
                    if b < e and v.words[b] == ",":
                        end = v.sentence_content_end(b + 1, e)
                        if end > b + 1:
                            msg.append((b + 1, end))
                if msg and not any(self.used[t] for m in msg for t in range(*m)):
                    self.used_verbs.add(i)
                    self._claim(_Cand("indirect", "wie", (wie, *cue), sp, msg, h.entry))
                continue
            # relative clause frame: "…, der angab, …"
            if a0 > s and v.words[a0 - 1] == "," and v.lowers[a0] in RELATIVE and a0 + 1 <= i and self.finite(a0, i) == i and i == b - 1 - (1 if h.extra and max(h.extra) == b - 1 else 0):
                comp = self.complement_after(b, e, h.entry)
                if comp is not None and not any(self.used[comp[0]:comp[1]]):
                    self.used_verbs.add(i)
                    self._claim(_Cand("indirect", "verb_clause", cue, (a0, a0 + 1), [comp], h.entry))
                continue
            f = self.finite(a0, i)
            if (
                si > 0
                and is_konjunktiv_i(v.lowers[f], v.norms[f])
                and not (f == a0 and a0 > s and v.words[a0 - 1] == ",")
                and any(self.used[v.sent_starts[si - 1]:s])
            ):
                continue  # "Die IAEO gehe davon aus, dass …": the frame itself is reported speech (continuation)
            sp = None
            inverted = False
            if f == a0 and a0 > s and v.words[a0 - 1] == ",":
                after = self.np_after(f, b)
                before = self.prefield_subject(s, a0 - 1)
                aux_frame = self._aux_before(s, a0, i) if before is None else None
                if aux_frame is not None:
                    # "Vor kurzem hatte ein Talibanführer …, Baitullah Mehsud, erklärt, …"
                    sp = aux_frame
                elif before is not None and (after is None or v.cls(after[0]) != "pron" or v.words[before[1]:a0].count(",") > 1 or "," in v.words[before[0]:before[1]]):
                    sp = before
                elif after is not None and self._main_clause_before(s, a0 - 1):
                    inverted, sp = True, after
                elif after is not None:
                    sp = after  # "Nachdem …, forderten beide …": a fronted subordinate clause, not a frame
                else:
                    sp = self.whole_prefield(s, a0 - 1)
                    inverted = sp is None and (h.entry.lemma == "heißen" or not self._passive(a0, i))
                    if sp is None and not inverted:
                        continue
            if h.entry.lemma == "heißen":
                sp = self._heisst_es_source(i, b)
            # "Für Shakira, so schrieb diese, sei es eine Ehre": a frame with "so" inside the sentence
            if v.lowers[a0] == "so" and a0 > s and v.words[a0 - 1] == "," and f in (a0 + 1, i):
                inverted = True
                sp = self.np_after(a0 + 1, b) if f == a0 + 1 else sp
                a0_frame = a0
            else:
                a0_frame = None
            if inverted:
                msg = []
                start = s
                while start < a0 - 1 and v.is_punct(start) and v.in_quote[start] < 0:
                    start += 1
                if a0 - 1 > start:
                    msg.append((start, a0 - 1))
                if b < e and v.words[b] == ",":
                    end = v.sentence_content_end(b + 1, e)
                    if end > b + 1:
                        msg.append((b + 1, end))
                if sp is None:
                    sp = self._pp_source(a0, b, agent=True)
                if msg and not any(self.used[t] for m in msg for t in range(*m)):
                    self.used_verbs.add(i)
                    self._claim(_Cand("indirect", "verb_inverted", (a0_frame, *cue) if a0_frame is not None else cue, sp, msg, h.entry))
                continue
            passive = self._passive(a0, i)
            if sp is None and h.entry.lemma != "heißen":
                sp = self._pp_source(a0, b, agent=True) if passive else self.subject(a0, f, b)
            if sp is None and not passive:
                sp = self._pp_source(a0, b, agent=h.entry.lemma == "heißen")
            comp = self.complement_after(b, e, h.entry)
            if comp is not None and not any(self.used[comp[0]:comp[1]]):
                self.used_verbs.add(i)
                self._claim(_Cand("indirect", "verb_clause", cue, sp, [comp], h.entry))
                continue
            # "Das erklärte ein Sprecher": the content is the sentence before
            if a0 == s and v.lowers[a0] in ("das", "dies", "dieses") and f == a0 + 1 and si > 0:
                ps, pe = v.sent_starts[si - 1], v.sent_ends[si - 1]
                pend = v.sentence_content_end(ps, pe)
                if pend > ps and v.words[pe - 1] not in ("?",) and not any(self.used[ps:pend]) and v.words[pend] in (".", "!", ":", ";") if pend < v.n else False:
                    self.used_verbs.add(i)
                    self._claim(_Cand("indirect", "summary", cue, sp, [(ps, pend), (a0, a0 + 1)], h.entry))
                    continue
            # a quote in the clause: "nannte diese Zahlen „aus der Luft gegriffen“"
            qids = sorted({v.in_quote[t] for t in range(a, b) if v.in_quote[t] >= 0})
            free_q = [
                q for q in qids
                if not any(self.used[slice(*v.quote_tokens[q])]) and not self._name_like(*v.quote_tokens[q])
            ]
            if free_q and sp is not None:
                q0 = free_q[0]
                self.used_verbs.add(i)
                self._claim(_Cand("direct", "quote_embedded", cue, sp, [v.quote_tokens[q0]], h.entry, quote_ids=(q0,)))
                continue
            # reported speech act: the whole sentence
            subordinate = v.lowers[a0] in RELATIVE | CLAUSE_SUBORDINATORS | {"dessen", "deren", "während", "als", "da", "wie"} and a0 > s or (
                a0 > s and v.cls(a0) == "prep" and a0 + 1 < i and v.lowers[a0 + 1] in RELATIVE | {"dem", "denen", "welchem"}
            )
            reflexive_naming = h.entry.lemma == "nennen" and "sich" in v.lowers[a0:b]
            if (
                sp is not None
                and not subordinate
                and not reflexive_naming
                and h.entry.term in REPORTED_TERMS
                and not self._passive(a0, i)
                and not any(self.used[s:e])
                and v.cls(sp[0]) != "prep"
                and not (sp[1] - sp[0] == 1 and v.lowers[sp[0]] in ("das", "dies", "was"))
            ):
                if v.words[e - 1] == "?" or e - s < 4:
                    continue
                self.used_verbs.add(i)
                self._claim(_Cand("reported", "verb_object", cue, sp, [(s, e)], h.entry))

    def _wie_start(self, a0: int, i: int, s: int) -> int | None:
        """Start of a "wie X mitteilte" clause ending at the verb i (appositions may contain commas)."""
        v = self.v
        k = i - 1
        while k >= max(s, i - 25):
            lw = v.lowers[k]
            if lw == "wie" and (k == s or v.words[k - 1] == "," or v.is_punct(k - 1)):
                return k
            if v.cls(k) == "verb" and k != i or lw in ("dass", "ob", "weil", "wenn") or v.words[k] in (".", ";", ":"):
                return None
            k -= 1
        return None

    def _main_clause_before(self, s: int, end: int) -> bool:
        """Is [s, end) a main clause (content of an inverted frame), not a fronted subordinate clause
        ("Nachdem …", "Falls …") or a phrase ending in a relative clause ("In einem Bericht, der …")?"""
        v = self.v
        k = s
        while k < end and (v.is_punct(k) or v.words[k] in QUOTE_CHARS):
            k += 1
        if k >= end:
            return False
        if v.lowers[k] in CLAUSE_SUBORDINATORS or v.lowers[k] in ("während", "da", "als", "wie", "seit", "bis", "je", "wo", "ob"):
            return False
        last_comma = max((m for m in range(k, end) if v.words[m] == ","), default=None)
        if last_comma is not None and last_comma + 1 < end:
            nxt = v.lowers[last_comma + 1]
            if nxt in RELATIVE or nxt in ("dessen", "deren", "wo", "wie") or (
                v.cls(last_comma + 1) == "prep" and last_comma + 2 < end and v.lowers[last_comma + 2] in RELATIVE | {"dem", "denen", "deren", "welchem"}
            ):
                return False
        return True

    def _aux_before(self, s: int, a0: int, i: int) -> tuple[int, int] | None:
        """A participle frame after an apposition: the auxiliary sits before the subject ("Vor kurzem hatte
        ein Talibanführer …, Baitullah Mehsud, erklärt"); returns the subject between them."""
        v = self.v
        for k in range(a0 - 2, s - 1, -1):
            if v.lowers[k] in AUX and v.cls(k) == "verb":
                sp = self.prefield_subject(k + 1, a0 - 1)
                return sp
            if v.lowers[k] in SUBORDINATORS or v.words[k] in (";", ":"):
                return None
        return None

    def _passive(self, a: int, i: int) -> bool:
        """Passive clause: a form of "werden" (or "sein" with a participle: "sind für Montag angekündigt")."""
        v = self.v
        if v.lowers[i] == v.norms[i]:
            return False  # infinitive: future or modal, not passive
        if any(v.lowers[k] in ("wird", "werden", "wurde", "wurden", "worden", "werde") for k in range(a, i + 2) if k < v.n):
            return True
        participle = v.lowers[i].startswith("ge") or any(v.lowers[i].startswith(p + "ge") for p in SEPARABLE) or not v.lowers[i].endswith(("te", "ten", "e", "en"))
        return participle and any(v.lowers[k] in ("ist", "sind", "war", "waren", "sei", "seien") for k in range(a, i))

    def _name_like(self, qs: int, qe: int) -> bool:
        """A quoted name or title ("Koalition der Willigen", "Eagle"): every content word capitalised."""
        v = self.v
        content = [t for t in range(qs, qe) if not v.is_punct(t)]
        if not content or len(content) > 5:
            return False
        return all(v.words[t][:1].isupper() or v.lowers[t] in DETS or v.lowers[t] in PREPS or v.lowers[t] in ("und", "of", "the") for t in content)

    def _fold_or_new(self, si: int, frame: tuple[int, int], cue: tuple[int, ...], sp, msg, pattern: str) -> None:
        """Fold an attribution formula into an attribution of the same sentence, or add a new one."""
        v = self.v
        s, e = v.sent_starts[si], v.sent_ends[si]
        for c in self.cands:
            if c.nested:
                continue
            toks = c.sentence_tokens()
            frame_toks = set(c.cue) | (set(range(*c.speaker)) if c.speaker else set())
            if not frame_toks or not any(s <= t < e for t in frame_toks):
                continue
            in_msg = any(ms <= frame[0] < me for ms, me in c.message)
            if c.form == "reported":
                # "X bestritt nach Angaben von Xinhua …": the formula names the source of the whole sentence
                self.cands.remove(c)
                for t in toks:
                    self.used[t] = False
                break
            if in_msg:
                return  # nested inside someone's message: not a top-level attribution
            c.frame_extra.append(frame)
            for t in range(*frame):
                self.used[t] = True
            return
        msg = [(ms, me) for ms, me in msg if me > ms]
        if not msg:
            return
        self._claim(_Cand("indirect", pattern, cue, sp, msg, None))

    def _sentence_minus(self, s: int, e: int, frame: tuple[int, int]) -> list[tuple[int, int]]:
        v = self.v
        end = v.sentence_content_end(s, e)
        parts = []
        a, b = frame
        left_end = a
        while left_end > s and v.words[left_end - 1] in (",", "–", "-", "("):
            left_end -= 1
        if left_end > s:
            parts.append((s, left_end))
        right = b
        while right < end and v.words[right] in (",", "–", "-", ")"):
            right += 1
        if right < end:
            parts.append((right, end))
        return parts

    def rule_formulae(self) -> None:
        """Attribution formulae: "laut X", "X zufolge", "nach Angaben X", "gemäß X", "unter Berufung auf X",
        "wonach", "demnach" and "…, so X."."""
        v = self.v
        for i in [i for i, lw in enumerate(v.lowers) if lw in _FORMULA_WORDS]:
            lw = v.lowers[i]
            if v.in_quote[i] >= 0 or self.used[i]:
                continue
            si = v.sent_of(i)
            s, e = v.sent_starts[si], v.sent_ends[si]
            if lw == "laut":
                if i + 1 < e and (v.cls(i + 1) in ("det", "noun", "adj", "adj?") or v.words[i + 1] in QUOTE_CHARS):
                    np_ = self._formula_np(i + 1, e)
                    if np_ is not None:
                        frame = (i, np_[1])
                        self._fold_or_new(si, frame, (i,), np_, self._sentence_minus(s, e, frame), "laut")
            elif lw == "gemäß":
                np_ = v.np_forward(i + 1, e) if i + 1 < e else None
                if np_ is not None and v.lowers[np_[1] - 1].endswith(SOURCE_NOUN_SUFFIXES + ("sprecher", "sprecherin")):
                    frame = (i, np_[1])
                    self._fold_or_new(si, frame, (i,), np_, self._sentence_minus(s, e, frame), "gemaess")
            elif lw == "zufolge":
                np_ = v.np_backward(i, s)
                if np_ is not None:
                    frame = (np_[0], i + 1)
                    self._fold_or_new(si, frame, (i,), np_, self._sentence_minus(s, e, frame), "zufolge")
            elif lw == "nach":
                np_ = self._formula_np(i + 1, e) if i + 1 < e else None
                if np_ is not None:
                    head = self._np_head(np_)
                    if v.lowers[head].endswith(SOURCE_NOUN_SUFFIXES):
                        frame = (i, np_[1])
                        self._fold_or_new(si, frame, (i,), np_, self._sentence_minus(s, e, frame), "nach_angaben")
                        continue
                # postposed: "Seiner Meinung nach", "Dem Vernehmen nach"
                if i - 1 >= s and v.lowers[i - 1] in POSTPOSED_NACH:
                    np_ = v.np_backward(i, s)
                    if np_ is not None:
                        frame = (np_[0], i + 1)
                        self._fold_or_new(si, frame, (i,), np_, self._sentence_minus(s, e, frame), "nach_angaben")
            elif lw == "unter" and i + 3 < e and v.lowers[i + 1] == "berufung" and v.lowers[i + 2] == "auf":
                np_ = v.np_forward(i + 3, e)
                if np_ is not None:
                    frame = (i, np_[1])
                    self._fold_or_new(si, frame, (i, i + 1, i + 2), np_, self._sentence_minus(s, e, frame), "unter_berufung")
            elif lw == "wonach":
                end = v.sentence_content_end(i + 1, e)
                if end > i + 1:
                    sp = v.np_backward(i - 1, s) if i - 1 > s and v.words[i - 1] == "," else None
                    self._fold_or_new(si, (i, i + 1), (i,), sp or (i, i + 1), [(i + 1, end)], "wonach")
            elif lw == "demnach":
                frame = (i, i + 1)
                self._fold_or_new(si, frame, (i,), (i, i + 1), self._sentence_minus(s, e, frame), "demnach")
            elif lw == "so" and i > s and v.words[i - 1] == "," and i + 1 < e:
                np_ = v.np_forward(i + 1, e)
                if np_ is None:
                    continue
                k = np_[1]
                while k < e and v.lowers[k] in ("weiter", "zufolge", "abschließend", "jedoch"):
                    k += 1
                if k < e and v.words[k] not in (",", ".", "!", "?", ";", ":", "–") and not v.is_punct(k):
                    continue
                frame = (i, k)
                self._fold_or_new(si, frame, (i,), np_, self._sentence_minus(s, e, frame), "so")

    def _formula_np(self, i: int, e: int) -> tuple[int, int] | None:
        """The source after "laut"/"nach": NP with apposition and a place/time tail ("Angaben der Opposition
        im Iran", "den Worten des Parteichefs Hanois, Pham Quang Nghi")."""
        v = self.v
        np_ = v.np_forward(i, e, apposition=True)
        if np_ is None:
            return None
        a, b = np_
        if b + 1 < e and v.lowers[b] in ("im", "in") and v.lowers[b + 1] not in ("der", "den", "dem", "die", "das"):
            m = b + 1
            while m < e and v.cls(m) in ("noun", "adj", "num") and v.words[m][:1].isupper() or (m < e and v.cls(m) == "num"):
                m += 1
            if m > b + 1:
                b = m
        return (a, b)

    def _np_head(self, np_: tuple[int, int]) -> int:
        v = self.v
        for k in range(np_[0], np_[1]):
            if v.cls(k) == "noun":
                return k
        return np_[1] - 1

    def rule_headlines(self) -> None:
        """'Kreml: Sicherheit der Ukraine nicht zulasten Russland' (a line without final punctuation)."""
        v = self.v
        for si, (s, e) in enumerate(zip(v.sent_starts, v.sent_ends)):
            if any(self.used[s:e]):
                continue
            colon = next((k for k in range(s, min(e, s + 6)) if v.words[k] == ":"), None)
            if colon is None or colon == s:
                continue
            last = e - 1
            while last > s and v.words[last].isspace():
                last -= 1
            if v.words[last] in (".", "!", "?"):
                continue
            np_ = v.np_forward(s, colon)
            if np_ is None or np_[1] != colon:
                continue
            if not self.res.actors.match(v, s, colon):
                continue
            end = last + 1
            if end > colon + 1:
                self._claim(_Cand("indirect", "headline", (colon,), np_, [(colon + 1, end)], None))

    def rule_continuation(self) -> None:
        """Konjunktiv sentences right after an attributed sentence continue its speaker's content.

        The chain survives one sentence in the indicative (CONTINUATION_GAP); a Konjunktiv I sentence with
        no attribution before it is attributed to the subject of the sentence before (ORPHAN_KONJ1).
        """
        v = self.v
        by_sent: dict[int, list[_Cand]] = {}
        for c in self.cands:
            for si in self._sentences_of(c):
                by_sent.setdefault(si, []).append(c)
        chain: _Cand | None = None
        gap = 0
        for si, (s, e) in enumerate(zip(v.sent_starts, v.sent_ends)):
            here = by_sent.get(si)
            if here:
                # the attribution whose message ends last in this sentence carries on
                chain = max(here, key=lambda c: max(me for _, me in c.message))
                gap = 0
                continue
            words = [t for t in range(s, e) if not v.punct[t]]
            last_tok = v.sentence_content_end(s, e)
            heading = last_tok == e or not any(v.words[t] in (".", "!", ";", ":") for t in range(last_tok, e))
            if len(words) < 3 or v.words[e - 1] == "?" or any(v.in_quote[t] >= 0 for t in words[:1]) or heading:
                chain = None
                continue
            konj = self._reported_mood(s, e)
            if not konj:
                gap += 1
                if gap > CONTINUATION_GAP:
                    chain = None
                continue
            last = e
            while last > s and v.words[last - 1].isspace():
                last -= 1
            if chain is None:
                if ORPHAN_KONJ1 and si > 0 and self._konj1(s, e):
                    ps, pe = v.sent_starts[si - 1], v.sent_ends[si - 1]
                    sp = self._v2_subject(ps, v.sentence_content_end(ps, pe))
                    if sp is not None and any(v.words[t][:1].isupper() for t in range(*sp)):
                        cand = _Cand("indirect", "continuation", (), sp, [(s, last)], None)
                        self._claim(cand)
                        chain = cand
                        gap = 0
                continue
            head = chain.context_speaker if chain.pattern == "continuation" and chain.context_speaker is not None else chain
            if chain.pattern == "continuation" and gap == 0 and self._adjacent(chain.message[-1][1], s):
                chain.message.append((s, last))
                for t in range(s, last):
                    self.used[t] = True
                by_sent.setdefault(si, []).append(chain)
                continue
            cand = _Cand("indirect", "continuation", (), head.speaker, [(s, last)], None, context_speaker=head)
            self._claim(cand)
            chain = cand
            gap = 0

    def _sentences_of(self, c: _Cand) -> set[int]:
        """Indices of the sentences that hold a token of ``c.sentence_tokens()``."""
        ids = self.v.sent_ids
        out = {ids[t] for t in c.cue}
        for a, b in ([c.speaker] if c.speaker else []) + c.message:
            out.update(ids[a:b])
        return out

    def _konj1(self, s: int, e: int) -> bool:
        """A Konjunktiv I verb in the main clause (before the first comma or subordinating conjunction)."""
        v = self.v
        if v.lowers[s] in CLAUSE_SUBORDINATORS or v.lowers[s] in ("während", "da", "als", "wie", "falls"):
            return False
        for t in range(s, e):
            if v.words[t] in (",", ";", ":") or v.lowers[t] in SUBORDINATORS:
                return False
            if v.in_quote[t] < 0 and is_konjunktiv_i(v.lowers[t], v.norms[t]):
                return True
        return False

    def _reported_mood(self, s: int, e: int) -> bool:
        """The sentence reports someone's words: Konjunktiv I ("sei", "habe", "brauche"), a Konjunktiv II
        substitute ("hätten", "würden"), or reportative "sollen" with a perfect infinitive ("soll … verlassen
        haben", "sollen … gewesen sein")."""
        v = self.v
        # only words that can mark the mood need a look (View.mood_words)
        soll = False
        for t in v.mood_words[bisect.bisect_left(v.mood_words, s) : bisect.bisect_left(v.mood_words, e)]:
            if v.in_quote[t] >= 0:
                continue
            lw = v.lowers[t]
            if is_konjunktiv_i(lw, v.norms[t]) or (USE_KONJ2 and lw in KONJ2):
                return True
            soll = soll or lw in ("soll", "sollen")
        if USE_SOLL and soll:
            end = v.sentence_content_end(s, e)
            if end - 1 > s and v.lowers[end - 1] in ("haben", "sein") and v.lowers[end - 2] != "zu":
                return True
        return False

    def _adjacent(self, end: int, start: int) -> bool:
        v = self.v
        return all(v.words[t].isspace() for t in range(end, start))


# --------------------------------------------------------------------------- public API


def _span(v: "_View", start: int, end: int) -> TextSpan:
    a = v.idx[start]
    b = v.idx[end - 1] + len(v.words[end - 1])
    return TextSpan(a, b, v.text[a:b])


def find_attributions(
    doc: Doc, resources: SourcingResources | None = None, *, nested: bool = False, text: str | None = None
) -> list[Attribution]:
    """Attributed statements in ``doc``, in text order.

    ``resources`` default to the shipped lexicons (:func:`default_resources`). With ``nested=True`` direct
    quotes inside an indirect message are returned too (``Attribution.nested``), for counting quotes.
    """
    return _find_attributions(doc, resources or default_resources(), nested, text)[0]


def _find_attributions(doc: Doc, res: SourcingResources, nested: bool, text: str | None) -> tuple[list[Attribution], "_View"]:
    ex = _Extractor(doc, res, text)
    cands = ex.run()
    v = ex.v
    actors = res.actors
    # nested partial quotes inside indirect/reported messages
    nested_cands: list[_Cand] = []
    claimed_quotes = {q for c in cands for q in c.quote_ids}
    for qi, (qs, qe) in enumerate(v.quote_tokens):
        if qi in claimed_quotes or qe - qs < 2:
            continue
        for c in cands:
            if c.form != "direct" and any(ms <= qs and qe <= me for ms, me in c.message):
                nested_cands.append(_Cand("direct", "quote", c.cue, c.speaker, [(qs, qe)], c.verb, nested=True, quote_ids=(qi,), context_speaker=c))
                break
    cands = sorted(cands, key=lambda c: (c.message[0][0], c.message[0][1]))
    # actors: named in the speaker phrase, else from the preceding attribution
    previous: list[_Cand] = []
    for c in cands:
        if c.speaker is None and c.pattern == "quote_context":
            # a quote without a frame: the person the sentence before is about ("Der ältere Bruder des
            # Papstes, Georg Ratzinger, war … eingeweiht. „Mein Bruder …“"), unless that sentence is attributed
            si = v.sent_of(c.message[0][0])
            if si > 0 and not (previous and v.sent_of(max(me for _, me in previous[-1].message) - 1) >= si - 1):
                ps, pe = v.sent_starts[si - 1], v.sent_ends[si - 1]
                sp = ex._v2_subject(ps, v.sentence_content_end(ps, pe))
                if sp is not None and any(v.words[t][:1].isupper() for t in range(*sp)):
                    c.speaker = sp
                    _resolve_actor(c, v, actors, previous)
                    previous.append(c)
                    continue
        if (c.speaker is None and c.pattern == "quote_context" or c.pattern == "demnach") and previous:
            # a quote without a frame continues the preceding speaker (within two sentences)
            p = previous[-1]
            if p.speaker is not None and v.sent_of(max(me for _, me in p.message) - 1) >= v.sent_of(c.message[0][0]) - 2:
                c.speaker, c.context_speaker = p.speaker, p
                c.actor_id, c.actor_via = p.actor_id, "context" if p.actor_id else None
                previous.append(c)
                continue
        _resolve_actor(c, v, actors, previous)
        previous.append(c)
    for c in nested_cands:
        c.actor_id, c.actor_via = c.context_speaker.actor_id, c.context_speaker.actor_id and "context"
    out = []
    all_cands = cands + (nested_cands if nested else [])
    all_cands.sort(key=lambda c: (c.message[0][0], c.nested))
    for c in all_cands:
        if not any(e > s for s, e in c.message):
            # a frame whose message is empty (e.g. the quote marks enclose nothing) is no attribution
            continue
        out.append(_to_attribution(doc, v, c, actors))
    return out, v


def _is_generic_speaker(v: _View, sp: tuple[int, int]) -> bool:
    lws = v.lowers[sp[0] : sp[1]]
    if sp[1] - sp[0] == 1 and (lws[0] in PRONOUNS or lws[0] in RELATIVE or lws[0] in ("demnach", "wonach")):
        return True
    head = lws[-1]
    return head.endswith(ROLE_HEADS) and not any(w[:1].isupper() for w in v.words[sp[0] + 1 : sp[1] - 1] if w.lower() not in DETS and not w.lower().endswith(ROLE_HEADS))


def _resolve_actor(c: _Cand, v: _View, actors: ActorTable, previous: list[_Cand]) -> None:
    if c.pattern == "continuation" and c.context_speaker is not None:
        c.actor_id = c.context_speaker.actor_id
        c.actor_via = "context" if c.actor_id else None
        return
    if c.speaker is not None:
        found = actors.match(v, *c.speaker)
        if found:
            c.actor_id = found[-1][2]
            c.actor_via = "speaker"
            return
    generic = c.speaker is None and c.pattern in ("quote_context", "demnach") or (c.speaker is not None and _is_generic_speaker(v, c.speaker))
    if not generic:
        return
    if c.speaker is not None and v.lowers[c.speaker[0]] in RELATIVE and c.speaker[1] - c.speaker[0] == 1:
        # relative pronoun: the noun phrase before the comma
        ante = v.np_backward(c.speaker[0] - 1, v.sent_starts[v.sent_of(c.speaker[0])])
        if ante:
            found = actors.match(v, *ante)
            if found:
                c.actor_id, c.actor_via = found[-1][2], "context"
                return
    first = c.message[0][0] if not c.speaker else min(c.speaker[0], c.message[0][0])
    si = v.sent_of(first)
    # the preceding attribution (resolved or not) within three sentences
    for p in reversed(previous):
        if v.sent_of(max(me for _, me in p.message) - 1) >= si - 3:
            if p.actor_id:
                c.actor_id, c.actor_via = p.actor_id, "context"
            return
        break
    # nothing attributed nearby: an actor named in the previous sentence ("Der Kreml …. Ein Sprecher erklärte")
    if c.speaker is not None and si > 0 and v.lowers[c.speaker[1] - 1].endswith(ROLE_HEADS):
        ps, pe = v.sent_starts[si - 1], v.sent_ends[si - 1]
        found = [f for f in actors.match(v, ps, pe) if actors.camp[f[2]] != MEDIA_CAMP]
        if found:
            c.actor_id, c.actor_via = found[0][2], "context"


def _to_attribution(doc: Doc, v: _View, c: _Cand, actors: ActorTable) -> Attribution:
    msg_parts = tuple(_span(v, s, e) for s, e in sorted(c.message) if e > s)
    cover = TextSpan(msg_parts[0].start_char, msg_parts[-1].end_char, v.text[msg_parts[0].start_char : msg_parts[-1].end_char])
    cue = None
    if c.cue:
        cs, ce = min(c.cue), max(c.cue) + 1
        cue = _span(v, cs, ce)
        if len(c.cue) > 1 and ce - cs > len(c.cue):
            cue = TextSpan(cue.start_char, cue.end_char, " … ".join(v.words[t] for t in sorted(set(c.cue))))
    speaker = _span(v, *c.speaker) if c.speaker else None
    # agencies named in the frame (speaker phrase, cue, folded formulae) or in the frame clause
    agencies: list[Agency] = []
    if not c.nested:
        regions = []
        if c.speaker:
            regions.append(c.speaker)
        regions.extend(c.frame_extra)
        if c.cue and c.pattern not in ("continuation",):
            a, b = min(c.cue), max(c.cue) + 1
            # the rest of the cue's clause ("sagte Peskow der Agentur Interfax zufolge in Wladiwostok")
            si = v.sent_of(a)
            s, e = v.sent_starts[si], v.sent_ends[si]
            msg_toks = {t for ms, me in c.message for t in range(ms, me)}
            lo = a
            while lo > s and lo - 1 not in msg_toks and v.in_quote[lo - 1] < 0:
                lo -= 1
            hi = b
            while hi < e and hi not in msg_toks and v.in_quote[hi] < 0:
                hi += 1
            regions.append((lo, hi))
        seen = set()
        for a, b in regions:
            for s, e, actor in actors.match(v, a, b):
                if actors.camp.get(actor) == MEDIA_CAMP and (actor, s) not in seen:
                    seen.add((actor, s))
                    agencies.append(Agency(actor, _span(v, s, e)))
    verb_class = c.verb.category if c.verb else None
    return Attribution(
        form=c.form,
        pattern=c.pattern,
        cue=cue,
        speaker=speaker,
        message=cover,
        message_parts=msg_parts,
        actor_id=c.actor_id,
        actor_name=actors.name.get(c.actor_id) if c.actor_id else None,
        camp=actors.camp.get(c.actor_id) if c.actor_id else None,
        actor_via=c.actor_via,
        verb=c.verb.lemma if c.verb else None,
        verb_class=verb_class,
        agencies=tuple(agencies),
        nested=c.nested,
        cue_tokens=tuple(sorted(set(c.cue))),
        speaker_tokens=c.speaker,
        message_tokens=tuple(sorted(c.message)),
    )


# --------------------------------------------------------------------------- voice


def quoted_mask(
    doc: Doc,
    attributions: Sequence[Attribution] = (),
    *,
    include_indirect: bool = False,
    text: str | None = None,
    quotes: Sequence[Quote] | None = None,
) -> QuotedMask:
    """Quoted speech of ``doc`` (:func:`analysis.processing.quotes.quoted_speech`: quotations and speaker-labelled
    paragraphs) plus the messages of direct attributions.

    Indirect and reported speech stay in the outlet's own voice (module docstring); ``include_indirect``
    adds the messages of indirect attributions (not reported ones: their 'message' is the whole sentence).
    ``text`` may pass ``doc.text`` when the caller has it (spaCy rebuilds it on every access), ``quotes``
    the result of :func:`find_quotes` for it.
    """
    messages = [
        (p.start_char, p.end_char)
        for a in attributions
        if a.form == "direct" or (include_indirect and a.form == "indirect")
        for p in a.message_parts
    ]
    return quoted_speech(doc, text=text, quotes=quotes, extra=messages)


def voice_indices(doc: Doc, lexicons: Iterable[Lexicon], mask: QuotedMask) -> dict[str, float]:
    """For every two-pole lexicon ``L`` with poles [left, right]: ``L.<left>.own`` and ``L.<right>.own``
    (matches in the outlet's own voice) and ``L.index_own`` = (right − left) / (right + left) over them
    (NaN when neither occurs). The counts let an outlet table pool ``index_own`` like ``L.index``."""
    row: dict[str, float] = {}
    for lex in lexicons:
        if not lex.poles:
            continue
        left_pole, right_pole = lex.poles
        left = right = 0
        for span in doc.spans.get(lex.spans_key, []):
            if mask.voice(span.start_char, span.end_char) != "own":
                continue
            if span.label_ == left_pole:
                left += 1
            elif span.label_ == right_pole:
                right += 1
        row[f"{lex.name}.{left_pole}.own"] = left
        row[f"{lex.name}.{right_pole}.own"] = right
        row[f"{lex.name}.index_own"] = _pole_index(left, right)
    return row


def _pole_index(left: int, right: int) -> float:
    total = left + right
    return math.nan if total == 0 else (right - left) / total


# --------------------------------------------------------------------------- measures


def measure_columns(camps: Sequence[str] = CAMPS_DEFAULT) -> list[str]:
    """The measure names of :func:`measure_sourcing`, in a fixed order."""
    cols = [
        "sourcing.attributions",
        "sourcing.direct",
        "sourcing.indirect",
        "sourcing.reported",
        "sourcing.attributions_per_1000",
        "sourcing.quotes",
        "sourcing.quotes_per_1000",
        "sourcing.quoted_token_share",
        "sourcing.attributed_sentence_share",
        "sourcing.unattributed_assertive_share",
        "sourcing.evaluative_verb_share",
        "sourcing.agency_citations",
        "sourcing.agency_credits",
    ]
    cols += [f"voices.{c}" for c in camps] + ["voices.unresolved"]
    cols += [f"voices.{c}.share" for c in camps] + ["voices.resolved_share"]
    return cols


def _ratio(num: float, den: float) -> float:
    return math.nan if den <= 0 else num / den


def measure_sourcing(
    doc: Doc,
    attributions: Sequence[Attribution],
    n_tokens: int | None = None,
    *,
    camps: Sequence[str] = CAMPS_DEFAULT,
    mask: QuotedMask | None = None,
    text: str | None = None,
    sentence_starts_: list[int] | None = None,
) -> dict[str, float]:
    """Flat per-article measures (definitions in the module docstring)."""
    text = doc.text if text is None else text
    arr = doc.to_array([IS_PUNCT, IS_SPACE, IDX, LENGTH]).astype(np.int64)
    is_word = (arr[:, 0] == 0) & (arr[:, 1] == 0)
    idx = arr[:, 2].tolist()
    length = arr[:, 3].tolist()
    n = len(doc)
    n_word_total = int(is_word.sum())
    if n_tokens is None:
        n_tokens = n_word_total
    mask = mask or quoted_mask(doc, attributions, text=text)
    top = [a for a in attributions if not a.nested]
    row: dict[str, float] = {}
    row["sourcing.attributions"] = len(top)
    for form in FORMS:
        row[f"sourcing.{form}"] = sum(1 for a in top if a.form == form)
    row["sourcing.attributions_per_1000"] = _ratio(1000.0 * len(top), n_tokens)
    n_quotes = sum(1 for a in attributions if a.form == "direct")
    row["sourcing.quotes"] = n_quotes
    row["sourcing.quotes_per_1000"] = _ratio(1000.0 * n_quotes, n_tokens)
    in_quote = is_word & mask.contains_all(arr[:, 2])
    row["sourcing.quoted_token_share"] = _ratio(int(in_quote.sum()), n_word_total)
    # prefix sums: words_before[k] / quoted_before[k] = words / quoted words among tokens [0, k)
    words_before = np.concatenate([[0], np.cumsum(is_word)]).tolist()
    quoted_before = np.concatenate([[0], np.cumsum(in_quote)]).tolist()

    # sentences (split as in find_attributions: also at line breaks)
    starts = (sentence_starts_ if sentence_starts_ is not None else sentence_starts(doc, text=text)) if n else []
    bounds = [(st, starts[k + 1] if k + 1 < len(starts) else n) for k, st in enumerate(starts)]
    bounds = [(a_, b_) for a_, b_ in bounds if words_before[b_] > words_before[a_]]
    touched: list[tuple[int, int]] = []
    for att in attributions:
        for part in att.message_parts:
            touched.append((part.start_char, part.end_char))
        if att.cue:
            touched.append((att.cue.start_char, att.cue.end_char))
        if att.speaker:
            touched.append((att.speaker.start_char, att.speaker.end_char))
    touched_mask = QuotedMask(touched, len(text))
    sentence_attributed = touched_mask.overlaps_all(
        np.array([idx[a_] for a_, _ in bounds], dtype=np.int64),
        np.array([idx[b_ - 1] + length[b_ - 1] for _, b_ in bounds], dtype=np.int64),
    ).tolist()
    assertive = unattributed = n_attributed = 0
    for (a_, b_), att in zip(bounds, sentence_attributed):
        n_attributed += att
        n_words = words_before[b_] - words_before[a_]
        last = b_ - 1
        while last >= a_ and (not text[idx[last] : idx[last] + 1].strip() or text[idx[last]] in QUOTE_CHARS):
            last -= 1
        if n_words < 4 or last < a_ or text[idx[last]] not in ".!":
            continue
        if 2 * (quoted_before[b_] - quoted_before[a_]) > n_words:
            continue
        assertive += 1
        if not att:
            unattributed += 1
    row["sourcing.attributed_sentence_share"] = _ratio(n_attributed, len(bounds))
    row["sourcing.unattributed_assertive_share"] = _ratio(unattributed, assertive)

    classed = [a for a in top if a.verb_class in VERB_CLASSES]
    row["sourcing.evaluative_verb_share"] = _ratio(sum(1 for a in classed if a.verb_class == "evaluative"), len(classed))
    row["sourcing.agency_citations"] = sum(len({ag.actor_id for ag in a.agencies}) for a in top)
    row["sourcing.agency_credits"] = len(AGENCY_CREDIT_RE.findall(text))

    resolved = [a for a in top if a.camp]
    for camp in camps:
        row[f"voices.{camp}"] = sum(1 for a in resolved if a.camp == camp)
    row["voices.unresolved"] = len(top) - len(resolved)
    for camp in camps:
        row[f"voices.{camp}.share"] = _ratio(row[f"voices.{camp}"], len(resolved))
    row["voices.resolved_share"] = _ratio(len(resolved), len(top))
    return row


# --------------------------------------------------------------------------- evidence

CONTEXT_CHARS = 60


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    left = " ".join(text[max(0, start - CONTEXT_CHARS) : start].split())
    right = " ".join(text[end : end + CONTEXT_CHARS].split())
    return left, right


def attribution_evidence(
    doc: Doc,
    article_id: str,
    attributions: Sequence[Attribution],
    mask: QuotedMask | None = None,
    *,
    text: str | None = None,
) -> list[SourcingEvidence]:
    """Evidence lines for the attributions of one article.

    * lexicon ``sourcing``, category = form (direct/indirect/reported), entry_id = pattern, span = message;
      voice ``quoted`` for direct quotes;
    * lexicon ``voices``, category = camp (or ``unresolved``), entry_id = actor id (or ``unresolved``),
      span = speaker phrase (the cue when there is none; the message for continuations);
    * lexicon ``sourcing``, category ``agency_citation``, entry_id = agency id, span = the agency's name;
    * lexicon ``sourcing``, category ``neutral_verb``/``evaluative_verb``, entry_id = verb lemma, span = cue.
    """
    text = doc.text if text is None else text
    mask = mask or quoted_mask(doc, attributions, text=text)
    out: list[SourcingEvidence] = []

    def add(lexicon, entry_id, category, span: TextSpan, voice=None):
        left, right = _context(text, span.start_char, span.end_char)
        out.append(
            SourcingEvidence(
                article_id, lexicon, entry_id, category, span.start_char, span.end_char, span.text, left, right,
                voice or mask.voice(span.start_char, span.end_char),
            )
        )

    for a in attributions:
        if a.nested:
            continue
        add("sourcing", a.pattern, a.form, a.message, "quoted" if a.form == "direct" else "own")
        who = a.speaker or a.cue or a.message
        add("voices", a.actor_id or "unresolved", a.camp or "unresolved", who, "own" if who is not a.message else None)
        for ag in a.agencies:
            add("sourcing", ag.actor_id, "agency_citation", ag.span)
        if a.verb_class and a.cue:
            add("sourcing", a.verb, f"{a.verb_class}_verb", a.cue)
    return out


@dataclass
class SourcingResult:
    attributions: list[Attribution]
    mask: QuotedMask
    row: dict[str, float]
    evidence: list[SourcingEvidence]


def analyze_sourcing(
    doc: Doc,
    article_id: str,
    *,
    resources: SourcingResources | None = None,
    lexicons: Iterable[Lexicon] = (),
    n_tokens: int | None = None,
    text: str | None = None,
) -> SourcingResult:
    """One call for the per-article step: attributions, voice mask, measures (+ ``L.index_own``), evidence.

    ``text``: the article text (== ``doc.text``) when the caller has it; spaCy rebuilds ``doc.text`` from
    the tokens on every access, which costs more than the sourcing rules themselves.
    """
    res = resources or default_resources()
    text = doc.text if text is None else text
    atts, view = _find_attributions(doc, res, True, text)
    mask = quoted_mask(doc, atts, text=text, quotes=view.quotes)
    row = measure_sourcing(doc, atts, n_tokens, camps=res.actors.camps, mask=mask, text=text, sentence_starts_=view.sent_starts)
    row.update(voice_indices(doc, lexicons, mask))
    return SourcingResult(atts, mask, row, attribution_evidence(doc, article_id, atts, mask, text=text))
