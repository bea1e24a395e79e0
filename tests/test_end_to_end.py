"""End-to-end: the CLI on the bundled seeds, asserting the output contract and the seed findings."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys

import pandas as pd
import pytest

from analysis.cli.main import main

from .conftest import ROOT, SEEDS

SEED_IDS = {
    "000": "000_66ca1786028919c2",
    "001": "001_94f7b8da8fcb76bb",
    "003": "003_5bb31df7a3a004c8",
}


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    code = main(["analyze", str(SEEDS), "--out", str(out), "--model", "blank", "--bootstrap", "500"])
    assert code == 0
    return out


def test_output_contract_files(seeds_run):
    for name in ["report.pdf", "articles.csv", "articles.parquet", "outlets.csv", "evidence.jsonl", "rejected.csv", "run.json", "texts.jsonl"]:
        assert (seeds_run / name).is_file(), name
    assert (seeds_run / "report.pdf").read_bytes()[:4] == b"%PDF"
    pngs = sorted((seeds_run / "figures").glob("*.png"))
    assert pngs and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert not list(seeds_run.glob(".*.tmp"))


def test_articles_table(seeds_run, shipped_lexicons):
    articles = pd.read_csv(seeds_run / "articles.csv")
    assert len(articles) == 5
    assert list(articles.columns[:7]) == ["article_id", "outlet", "date", "title", "url", "n_tokens", "n_sentences"]
    for lex in shipped_lexicons:
        for cat in lex.category_names:
            assert f"{lex.name}.{cat}" in articles.columns
        assert (f"{lex.name}.index" in articles.columns) == bool(lex.poles)
    assert (articles.n_tokens > 200).all() and (articles.n_sentences > 5).all()
    parquet = pd.read_parquet(seeds_run / "articles.parquet")
    assert list(parquet.columns) == list(articles.columns)
    numeric = [c for c in articles.columns if c.startswith(("n_", "war_naming", "transliteration", "distancing"))]
    pd.testing.assert_frame_equal(articles[numeric], parquet[numeric], check_dtype=False)
    assert list(parquet.article_id) == list(articles.article_id)


def test_seed_findings(seeds_run):
    articles = pd.read_csv(seeds_run / "articles.csv").set_index("article_id")
    war = articles["war_naming.index"]
    assert war[SEED_IDS["003"]] > 0  # RT DE re-post: Kremlin euphemisms
    assert war[SEED_IDS["001"]] < 0  # dpa: "Krieg gegen die Ukraine", "Invasion", "angegriffene Ukraine"
    assert war[SEED_IDS["000"]] <= 0  # dpa; its only euphemism stands inside a Peskow quote
    assert articles["transliteration.index"][SEED_IDS["003"]] > 0  # "Wladimir Selenskij"
    own = articles["war_naming.index_own"]  # the outlet's own voice: quoted terms left out
    assert own[SEED_IDS["000"]] < 0 and own[SEED_IDS["001"]] < 0 and own[SEED_IDS["003"]] > 0
    voices = articles[[c for c in articles.columns if c.startswith("voices.") and not c.endswith("share")]]
    row = voices.loc[SEED_IDS["000"]]
    assert row["voices.russian_government"] > 0 and row.drop("voices.russian_government").sum() == 0
    assert articles["reuse.share"][SEED_IDS["000"]] > 0.3 and articles["reuse.share"][SEED_IDS["003"]] < 0.05


def test_every_evidence_line_matches_the_text_and_backs_the_counts(seeds_run, shipped_lexicons):
    texts = {}
    with (seeds_run / "texts.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            texts[rec["article_id"]] = rec["text"]
    evidence = [json.loads(line) for line in (seeds_run / "evidence.jsonl").open(encoding="utf-8")]
    assert evidence
    for e in evidence:
        assert set(e) >= {"article_id", "lexicon", "entry_id", "category", "start_char", "end_char", "text"}
        assert texts[e["article_id"]][e["start_char"] : e["end_char"]] == e["text"]
    # texts.jsonl holds exactly the seed files' texts (header marker removed, NFC)
    assert texts[SEED_IDS["001"]].startswith("Nach dem Treffen")
    frame = pd.DataFrame(evidence)
    names = {lex.name for lex in shipped_lexicons}
    # lexicon lines are lexical matches or semantic flags, never anything else
    assert set(frame.loc[frame["lexicon"].isin(names), "method"]) <= {"lexical", "semantic"}
    counts = frame[frame["method"] == "lexical"].groupby(["article_id", "lexicon", "category"]).size()
    semantic = frame[frame["method"] == "semantic"].groupby(["article_id", "lexicon", "category"]).size()
    articles = pd.read_csv(seeds_run / "articles.csv").set_index("article_id")
    for column in [c for c in articles.columns if c.endswith(".semantic")]:
        lexicon, category, _ = column.split(".")
        for aid, value in articles[column].items():
            assert value == semantic.get((aid, lexicon, category), 0), (aid, column)
    lexicon_counts = [f"{lex.name}.{cat}" for lex in shipped_lexicons for cat in lex.category_names]
    assert set(lexicon_counts) <= set(articles.columns)
    for e in evidence:
        if e["lexicon"] != "reuse":
            assert e["voice"] in ("own", "quoted"), e
    for column in lexicon_counts:
        lexicon, category = column.split(".")
        for aid, value in articles[column].items():
            assert value == counts.get((aid, lexicon, category), 0), (aid, column)


def test_outlets_table(seeds_run):
    outlets = pd.read_csv(seeds_run / "outlets.csv")
    assert list(outlets.columns[:6]) == ["outlet", "measure", "n_articles", "estimate", "ci_low", "ci_high"]
    assert set(outlets.outlet) == {"dpa", "rt-de", "unattributed-1", "unattributed-2"}
    dpa = outlets[(outlets.outlet == "dpa") & (outlets.measure == "war_naming.index")].iloc[0]
    assert dpa.n_articles == 2 and dpa.estimate < 0 and dpa.small_sample
    rt = outlets[(outlets.outlet == "rt-de") & (outlets.measure == "war_naming.index")].iloc[0]
    assert rt.estimate == 1.0 and math.isnan(rt.ci_low)  # one article: no interval


def _strict_json(text: str):
    """json.loads that refuses NaN/Infinity (not JSON; Python's parser accepts them by default)."""
    def refuse(token):
        raise ValueError(f"{token} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_json_safe_turns_non_finite_floats_into_null():
    from analysis.stats.evidence import json_safe

    value = {"a": math.nan, "b": [1.5, math.inf, {"c": -math.inf}], "d": (2, "x"), "e": None}
    assert json_safe(value) == {"a": None, "b": [1.5, None, {"c": None}], "d": [2, "x"], "e": None}
    assert _strict_json(json.dumps(json_safe(value))) == json_safe(value)


def test_run_json(seeds_run, shipped_lexicons):
    run = _strict_json((seeds_run / "run.json").read_text(encoding="utf-8"))
    assert run["package_version"] and run["pipeline"]["components"][:2] == ["quellenlage_lemmatizer", "sentencizer"]
    assert run["lexicon_versions"] == {lex.name: lex.version for lex in shipped_lexicons}
    assert run["counts"]["articles"] == 5 and run["counts"]["rejected"] == 0
    assert run["parameters"]["bootstrap"]["n_resamples"] == 500
    assert "report.pdf" in run["outputs"]


def test_rejected_inputs_are_listed_and_run_continues(tmp_path, capsys):
    corpus = tmp_path / "mixed"
    (corpus / "dpa").mkdir(parents=True)
    (corpus / "dpa" / "a.txt").write_text("Putin hatte seinen Krieg gegen die Ukraine im Februar 2022 begonnen.", encoding="utf-8")
    (corpus / "dpa" / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "dpa" / "latin.txt").write_bytes("Die Stärkung der ukrainischen Armee".encode("latin-1"))
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--model", "blank", "--no-report", "--bootstrap", "50"]) == 0
    rows = list(csv.DictReader((out / "rejected.csv").open(encoding="utf-8")))
    assert {r["reason"].split(" ")[0] for r in rows} >= {"empty", "not"}
    assert all(r["severity"] == "rejected" for r in rows) and len(rows) == 2
    err = capsys.readouterr().err
    assert "rejected: mixed/dpa/empty.txt" in err and "latin.txt" in err
    assert len(pd.read_csv(out / "articles.csv")) == 1


def test_nothing_analysable_exits_non_zero_with_one_message(tmp_path, capsys):
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text('{"text": "Ein Text ohne Medium."}\n{broken\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["analyze", str(corpus), "--out", str(out), "--model", "blank"]) == 1
    err = capsys.readouterr().err
    assert "quellenlage: error: nothing could be analysed" in err and "rejected.csv" in err
    assert len(list(csv.DictReader((out / "rejected.csv").open(encoding="utf-8")))) == 2
    assert not (out / "run.json").exists()


def test_python_dash_m_and_help():
    res = subprocess.run([sys.executable, "-m", "analysis", "analyze", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0 and "--lexicons" in res.stdout and "--model" in res.stdout
    for args in (["lexicon", "check", "--help"], ["kwic", "--help"], ["--help"]):
        assert main.__module__  # the same entry point
        res = subprocess.run([sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=ROOT)
        assert res.returncode == 0, args


def test_lexicon_check_command(tmp_path, capsys):
    assert main(["lexicon", "check", str(ROOT / "lexicons"), "--model", "blank"]) == 0
    out = capsys.readouterr().out
    assert "war_naming 1." in out and "0 invalid" in out and "warning" not in out
    (tmp_path / "bad.toml").write_text('[lexicon]\nname = "bad"\nversion = "x"\ndescription = "d"\n', encoding="utf-8")
    assert main(["lexicon", "check", str(tmp_path), "--model", "blank"]) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out and "bad.toml" in out and "semantic version" in out


def test_kwic_command(capsys):
    assert main(["kwic", "Spezialoperation", str(SEEDS), "--model", "blank"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 1 and "003_5bb31df7a3a004c8\trt-de" in lines[0] and "[militärischen Spezialoperation]" not in lines[0]
    assert "[Spezialoperation]" in lines[0]
    assert main(["kwic", "Selenskyj", str(SEEDS), "--match", "prefix", "--model", "blank"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert any("[Selenskyjs]" in l for l in lines) and all("Selenskij" not in l.split("[")[1] for l in lines)


@pytest.mark.shared
def test_real_corpus_slice_from_fang_covid(shared_dir, tmp_path):
    """200 real articles (FANG-COVID, JSONL.gz with custom field names) through the whole CLI."""
    corpus = shared_dir / "data" / "fang-covid" / "train-outlets.jsonl.gz"
    if not corpus.is_file():
        pytest.skip(f"{corpus} not found")
    out = tmp_path / "fang"
    args = ["analyze", str(corpus), "--field", "text=article", "--field", "outlet=source", "--field", "title=header",
            "--limit", "200", "--out", str(out), "--model", "blank", "--bootstrap", "200", "--no-report"]
    assert main(args) == 0
    articles = pd.read_csv(out / "articles.csv")
    assert len(articles) == 200 and articles.title.notna().all() and (articles.n_tokens > 0).all()
    assert articles.date.str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["counts"]["articles"] == 200


def test_worker_processes_give_identical_output(tmp_path):
    """--jobs 2 runs the per-article step in two spawned processes; the tables must not change."""
    import analysis as ql

    corpus = ql.read_corpus(SEEDS)
    many = ql.Corpus("many", [a.__class__(**{**a.__dict__, "id": f"{a.id}-{k}"}) for k in range(4) for a in corpus.articles], [])
    serial = ql.analyze(many, model="blank", bootstrap=ql.BootstrapSettings(n_resamples=100), jobs=1)
    parallel = ql.analyze(many, model="blank", bootstrap=ql.BootstrapSettings(n_resamples=100), jobs=2, batch_size=4)
    assert parallel.run_info["parameters"]["jobs"] == 2
    pd.testing.assert_frame_equal(serial.articles, parallel.articles)
    pd.testing.assert_frame_equal(serial.evidence, parallel.evidence)
    pd.testing.assert_frame_equal(serial.outlets, parallel.outlets)
