"""Tests for analysis.reading.corpus: reading txt folders, JSONL and CSV robustly."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from pathlib import Path

import pytest

from analysis.reading.corpus import (
    Article,
    Corpus,
    CorpusIssue,
    FieldMap,
    corpus_name,
    iter_corpus,
    read_corpus,
    write_issues_csv,
)
from analysis.errors import CorpusError, QuellenlageError

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"

TEXT_TAGESSCHAU = (
    "Der Kreml lehnt westliche Truppen in der Ukraine ab.\n\n"
    "„Das ist für uns inakzeptabel“, sagte Kremlsprecher Peskow am Freitag."
)
TEXT_SPIEGEL = (
    "Bundeskanzler Merz äußerte sich zurückhaltend zur Koalition der Willigen.\n\n"
    "Eine Entscheidung über die Größe der Schutztruppe falle später, hieß es."
)
TEXT_ZEIT = "Die Außenminister berieten in Brüssel über weitere Hilfen für die Ukraine."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def write_jsonl(path: Path, lines: list[object]) -> Path:
    """Objects are dumped as JSON; strings are written verbatim (for broken lines)."""
    out = [line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines]
    return write(path, "\n".join(out) + "\n")


def split(items):
    articles = [x for x in items if isinstance(x, Article)]
    issues = [x for x in items if isinstance(x, CorpusIssue)]
    return articles, issues


# ---------------------------------------------------------------------------------------------- seeds


@pytest.mark.skipif(not SEEDS.is_dir(), reason="examples/seeds is missing")
def test_seed_corpus_reads_five_articles_without_issues():
    corpus = read_corpus(SEEDS)

    assert isinstance(corpus, Corpus)
    assert corpus.name == "seeds"
    assert corpus.issues == []
    assert [a.outlet for a in corpus.articles] == ["dpa", "dpa", "unattributed-1", "rt-de", "unattributed-2"]
    assert [a.id for a in corpus.articles][0] == "000_66ca1786028919c2"
    first, second = corpus.articles[0], corpus.articles[1]
    for article in (first, second):
        assert article.date == "2025-09-05"
        assert article.text.startswith("Nach dem Treffen")
        assert " date " not in article.text.splitlines()[0]
    assert [a.date for a in corpus.articles[2:]] == ["", "", ""]
    assert corpus.articles[2].title == "Moskau schließt Gespräche über ausländische Truppen in der Ukraine nicht aus"
    assert first.title == ""
    assert "Wladiwostok (dpa)" in first.meta["outlet_evidence"]
    assert first.meta["file"] == "seeds/000_66ca1786028919c2.txt"
    assert corpus.articles[3].text.startswith("Putin warnt: NATO-Truppen")


def test_header_marker_without_leading_space_is_removed_and_teaser_kept(tmp_path):
    root = tmp_path / "korpus"
    write(root / "dpa" / "a.txt", "date 2025-12-03 Der Kreml bekräftigt seine Haltung.\n\nMoskau (dpa) – Weiter.")

    (article,) = read_corpus(root).articles

    assert article.date == "2025-12-03"
    assert article.text == "Der Kreml bekräftigt seine Haltung.\n\nMoskau (dpa) – Weiter."


# ---------------------------------------------------------------------------------------- txt folder


def test_txt_folder_with_outlet_subfolders(tmp_path):
    root = tmp_path / "korpus"
    write(root / "tagesschau" / "2025-09-05.txt", TEXT_TAGESSCHAU + "\r\n\r\n  \n")
    write(root / "spiegel" / "2025-09-05.txt", TEXT_SPIEGEL)
    write(root / "zeit" / "ausland" / "bruessel.txt", TEXT_ZEIT)
    write(root / "ohne_ordner.txt", "Ein Text ohne Ordner und ohne Manifest über die Lage in Kiew.")
    write(root / "spiegel" / "notizen.docx", b"PK\x03\x04 kein Text")
    write(root / "README.md", "# Korpus\n")
    write(root / ".DS_Store", b"\x00\x01")

    articles, issues = split(list(iter_corpus(root)))

    by_outlet = {a.outlet: a for a in articles}
    assert sorted(by_outlet) == ["spiegel", "tagesschau", "zeit"]
    # the two files named 2025-09-05.txt share a stem: ids are relative paths without suffix
    assert by_outlet["spiegel"].id == "spiegel/2025-09-05"
    assert by_outlet["tagesschau"].id == "tagesschau/2025-09-05"
    assert by_outlet["zeit"].id == "bruessel"
    # CRLF and trailing whitespace normalised, internal structure kept
    assert by_outlet["tagesschau"].text == TEXT_TAGESSCHAU
    assert by_outlet["tagesschau"].meta["file"] == "korpus/tagesschau/2025-09-05.txt"
    assert by_outlet["tagesschau"].date == ""
    assert by_outlet["tagesschau"].title == ""

    reasons = {(i.file, i.severity): i.reason for i in issues}
    assert len(issues) == 2, issues
    assert reasons[("korpus/spiegel/notizen.docx", "warning")] == "not a .txt file; ignored"
    no_outlet = reasons[("korpus/ohne_ordner.txt", "rejected")]
    assert no_outlet.startswith("no outlet")
    assert "manifest.csv" in no_outlet and "<corpus>/<outlet>/*.txt" in no_outlet


def test_txt_files_are_read_in_sorted_order(tmp_path):
    root = tmp_path / "korpus"
    for name in ["c.txt", "a.txt", "b.txt"]:
        write(root / "ndr" / name, f"Meldung {name}: Die Lage in Charkiw bleibt angespannt.")

    assert [a.id for a in read_corpus(root).articles] == ["a", "b", "c"]


def test_manifest_overrides_subfolder_and_reports_missing_files(tmp_path):
    root = tmp_path / "korpus"
    write(root / "ordner" / "a.txt", TEXT_TAGESSCHAU)
    write(root / "b.txt", TEXT_SPIEGEL)
    write(
        root / "manifest.csv",
        "file,outlet,date,title,notiz\n"
        "ordner/a.txt,tagesschau,05.09.2025,Kreml lehnt Truppen ab,geprüft\n"
        "b.txt,spiegel,,,\n"
        "fehlt.txt,zeit,2025-09-06,,\n",
    )

    corpus = read_corpus(root)

    b, a = corpus.articles  # sorted paths: "b.txt" < "ordner/a.txt"
    assert (a.id, b.id) == ("a", "b")
    assert (a.outlet, a.date, a.title, a.meta["notiz"]) == ("tagesschau", "2025-09-05", "Kreml lehnt Truppen ab", "geprüft")
    assert (b.outlet, b.date, b.title) == ("spiegel", "", "")
    (issue,) = corpus.issues
    assert issue.severity == "rejected"
    assert (issue.file, issue.line) == ("korpus/manifest.csv", 4)
    assert issue.reason.startswith("manifest names a file that does not exist")
    assert "fehlt.txt" in issue.reason


def test_manifest_given_explicitly(tmp_path):
    root = tmp_path / "korpus"
    write(root / "a.txt", TEXT_ZEIT)
    manifest = write(tmp_path / "meta.csv", "file;outlet;date;title\na.txt;zeit;2025-09-05T08:00:00Z;Beratungen in Brüssel\n")

    (article,) = read_corpus(root, manifest=manifest).articles

    assert (article.outlet, article.date, article.title) == ("zeit", "2025-09-05", "Beratungen in Brüssel")


def test_manifest_for_jsonl_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "k.jsonl", [{"text": TEXT_ZEIT, "outlet": "zeit"}])
    with pytest.raises(CorpusError, match="manifest"):
        iter_corpus(path, manifest=tmp_path / "manifest.csv")


def test_empty_and_whitespace_only_files_are_rejected(tmp_path):
    root = tmp_path / "korpus"
    write(root / "taz" / "leer.txt", b"")
    write(root / "taz" / "nur_leerzeichen.txt", " \n\t\n")
    write(root / "taz" / "gut.txt", TEXT_ZEIT)

    corpus = read_corpus(root)

    assert [a.id for a in corpus.articles] == ["gut"]
    assert [(i.file, i.line, i.reason, i.severity) for i in corpus.rejected] == [
        ("korpus/taz/leer.txt", None, "empty file", "rejected"),
        ("korpus/taz/nur_leerzeichen.txt", None, "empty file", "rejected"),
    ]
    assert corpus.rejected[0].article_id == "leer"


def test_latin1_file_is_rejected_with_byte_offset(tmp_path):
    root = tmp_path / "korpus"
    content = "Moskau (dpa)\nKremlsprecher Peskow erklärte, warum das für Moskau inakzeptabel sei."
    raw = content.encode("latin-1")
    write(root / "faz" / "latin1.txt", raw)

    corpus = read_corpus(root)

    assert corpus.articles == []
    (issue,) = corpus.issues
    offset = raw.index(b"\xe4")
    assert offset == 38
    assert issue.file == "korpus/faz/latin1.txt"
    assert "line 2" in issue.reason
    assert issue.severity == "rejected"
    assert f"byte 0xe4 at offset {offset}" in issue.reason
    assert issue.reason.startswith("not UTF-8")
    assert "save the file as UTF-8" in issue.reason


def test_utf8_bom_is_stripped(tmp_path):
    root = tmp_path / "korpus"
    write(root / "sz" / "bom.txt", b"\xef\xbb\xbf" + TEXT_ZEIT.encode("utf-8"))

    (article,) = read_corpus(root).articles

    assert article.text == TEXT_ZEIT


def test_binary_file_is_rejected(tmp_path):
    root = tmp_path / "korpus"
    write(root / "welt" / "bild.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    (issue,) = read_corpus(root).issues

    assert issue.file == "korpus/welt/bild.txt"
    assert issue.severity == "rejected"
    assert issue.reason.startswith("binary file")


def test_decomposed_umlaut_is_normalised_to_nfc(tmp_path):
    root = tmp_path / "korpus"
    decomposed = "Die Gespra\u0308che u\u0308ber Truppen in der Ukraine gehen weiter."
    write(root / "manifest.csv", "file,outlet,title\na.txt,Su\u0308ddeutsche,Gespra\u0308che\n")
    write(root / "a.txt", decomposed)

    (article,) = read_corpus(root).articles

    assert article.text == "Die Gespräche über Truppen in der Ukraine gehen weiter."
    assert "\u0308" not in article.text
    assert article.outlet == "Süddeutsche"
    assert article.title == "Gespräche"


# --------------------------------------------------------------------------------------------- JSONL


def test_jsonl_broken_line_in_the_middle_does_not_stop_the_run(tmp_path):
    path = write_jsonl(
        tmp_path / "artikel.jsonl",
        [
            {"id": "a1", "outlet": "tagesschau", "text": TEXT_TAGESSCHAU, "date": "2025-09-05"},
            '{"id": "a2", "outlet": "spiegel" "text": "kaputt"}',
            "   ",
            '["kein", "Objekt"]',
            {"id": "a3", "outlet": "zeit", "text": TEXT_ZEIT},
        ],
    )

    articles, issues = split(list(iter_corpus(path)))

    assert [a.id for a in articles] == ["a1", "a3"]
    assert [a.meta["line"] for a in articles] == [1, 5]
    assert [(i.line, i.severity) for i in issues] == [(2, "rejected"), (4, "rejected")]
    assert issues[0].file == str(path)
    assert issues[0].reason.startswith("invalid JSON: Expecting ',' delimiter at column 34")
    assert issues[1].reason.startswith("not a JSON object (got list)")


def test_jsonl_line_that_is_not_utf8_is_reported_and_the_rest_read(tmp_path):
    good = json.dumps({"outlet": "zeit", "text": TEXT_ZEIT}, ensure_ascii=False).encode("utf-8")
    bad = '{"outlet": "taz", "text": "Kritik an der Regierung wächst"}'.encode("latin-1")
    path = write(tmp_path / "gemischt.jsonl", bad + b"\n" + good + b"\n")

    articles, issues = split(list(iter_corpus(path)))

    assert [a.outlet for a in articles] == ["zeit"]
    (issue,) = issues
    assert issue.line == 1
    assert "byte 0xe4 at offset" in issue.reason and "save the file as UTF-8" in issue.reason


def test_jsonl_gz(tmp_path):
    path = tmp_path / "artikel.jsonl.gz"
    records = [
        {"outlet": "tagesschau", "text": TEXT_TAGESSCHAU},
        {"outlet": "spiegel", "text": TEXT_SPIEGEL, "title": "Merz zurückhaltend"},
    ]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    corpus = read_corpus(path)

    assert corpus.name == "artikel"
    assert corpus.issues == []
    assert [a.text for a in corpus.articles] == [TEXT_TAGESSCHAU, TEXT_SPIEGEL]
    assert corpus.articles[1].title == "Merz zurückhaltend"
    expected_id = hashlib.sha1(f"tagesschau\n{TEXT_TAGESSCHAU}".encode()).hexdigest()[:16]
    assert corpus.articles[0].id == expected_id


def test_truncated_gzip_keeps_what_was_read(tmp_path):
    path = tmp_path / "kaputt.jsonl.gz"
    lines = "".join(
        json.dumps({"outlet": "zeit", "text": f"Meldung Nummer {i}: Die Außenminister berieten erneut."}) + "\n"
        for i in range(200)
    )
    blob = gzip.compress(lines.encode("utf-8"))
    path.write_bytes(blob[: len(blob) * 2 // 3])

    articles, issues = split(list(iter_corpus(path)))

    assert 0 < len(articles) < 200
    assert issues[-1].severity == "rejected"
    assert "corrupt or truncated" in issues[-1].reason
    assert issues[-1].line == len(articles) + 1 or issues[-1].line == len(articles) + 2


def test_missing_outlet_is_rejected_naming_the_field(tmp_path):
    path = write_jsonl(
        tmp_path / "k.jsonl",
        [
            {"source": "zeit.de", "article": TEXT_ZEIT},
            {"source": "", "article": TEXT_SPIEGEL},
            {"article": TEXT_TAGESSCHAU},
        ],
    )

    corpus = read_corpus(path, fields=FieldMap(text="article", outlet="source"))

    assert [a.outlet for a in corpus.articles] == ["zeit.de"]
    assert [i.line for i in corpus.rejected] == [2, 3]
    for issue in corpus.rejected:
        assert issue.reason.startswith("no outlet: field 'source' missing or empty")
        assert "outlet=FIELD" in issue.reason


def test_missing_text_is_rejected_naming_the_field(tmp_path):
    path = write_jsonl(
        tmp_path / "k.jsonl",
        [
            {"id": 7, "source": "zeit.de", "article": "  \n "},
            {"id": 8, "source": "zeit.de", "body": TEXT_ZEIT},
        ],
    )

    corpus = read_corpus(path, fields=FieldMap(text="article", outlet="source"))

    assert corpus.articles == []
    first, second = corpus.rejected
    assert (first.line, first.reason, first.article_id) == (1, "no text in field 'article'", "7")
    assert second.line == 2
    assert second.reason.startswith("no text in field 'article'") and "body" in second.reason


def test_duplicate_text_up_to_whitespace_and_duplicate_id(tmp_path):
    path = write_jsonl(
        tmp_path / "dup.jsonl",
        [
            {"id": "x1", "outlet": "tagesschau", "text": "Der Kreml lehnt Truppen ab.\n\n„Inakzeptabel“, sagte Peskow."},
            {"id": "x2", "outlet": "t-online", "text": "Der  Kreml lehnt Truppen ab. „Inakzeptabel“,\tsagte Peskow.  "},
            {"id": "x1", "outlet": "spiegel", "text": TEXT_SPIEGEL},
            {"id": "x3", "outlet": "spiegel", "text": TEXT_SPIEGEL + " Ergänzung."},
        ],
    )

    corpus = read_corpus(path)

    assert [a.id for a in corpus.articles] == ["x1", "x3"]
    dup_text, dup_id = corpus.rejected
    assert (dup_text.line, dup_text.article_id) == (2, "x2")
    assert dup_text.reason == f"duplicate of article x1 ({path}:1)"
    assert (dup_id.line, dup_id.article_id) == (3, "x1")
    assert dup_id.reason.startswith(f"duplicate id x1, first seen at {path}:1")


def test_duplicate_txt_files_name_the_first_file(tmp_path):
    root = tmp_path / "korpus"
    write(root / "dpa" / "a.txt", TEXT_TAGESSCHAU)
    write(root / "dpa" / "b.txt", TEXT_TAGESSCHAU.replace("\n\n", "\n"))

    corpus = read_corpus(root)

    assert [a.id for a in corpus.articles] == ["a"]
    (issue,) = corpus.issues
    assert (issue.file, issue.line) == ("korpus/dpa/b.txt", None)
    assert issue.reason == "duplicate of article a (korpus/dpa/a.txt)"


def test_fang_style_record(tmp_path):
    long_value = "x" * 600
    record = {
        "url": "https://www.zeit.de/politik/2020-11/corona-massnahmen",
        "date": "2020-11-13T16:31:47+01:00",
        "source": "zeit.de",
        "label": "real",
        "header": "Corona-Maßnahmen: Länder beraten über Verschärfungen",
        "article": "Bund und Länder beraten über schärfere Maßnahmen.\r\nDie Ministerpräsidenten äußerten sich zurückhaltend.",
        "n_tweets": 12,
        "html": long_value,
    }
    path = write_jsonl(tmp_path / "fang.jsonl", [record])
    fields = FieldMap.from_pairs(["text=article", "outlet=source", "title=header"])

    corpus = read_corpus(path, fields=fields)

    assert corpus.issues == []
    (article,) = corpus.articles
    assert article.date == "2020-11-13"
    assert article.outlet == "zeit.de"
    assert article.title == "Corona-Maßnahmen: Länder beraten über Verschärfungen"
    assert article.url == record["url"]
    assert article.text == "Bund und Länder beraten über schärfere Maßnahmen.\nDie Ministerpräsidenten äußerten sich zurückhaltend."
    assert article.meta == {"file": str(path), "line": 1, "label": "real", "n_tweets": 12}
    assert article.id == hashlib.sha1(f"zeit.de\n{article.text}".encode()).hexdigest()[:16]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-09-05", "2025-09-05"),
        ("2020-11-13T16:31:47+01:00", "2020-11-13"),
        ("2020-11-13 16:31", "2020-11-13"),
        ("05.09.2025", "2025-09-05"),
        ("", ""),
    ],
)
def test_accepted_dates(tmp_path, value, expected):
    path = write_jsonl(tmp_path / "d.jsonl", [{"outlet": "taz", "text": TEXT_ZEIT, "date": value}])

    corpus = read_corpus(path)

    assert corpus.issues == []
    assert corpus.articles[0].date == expected


@pytest.mark.parametrize("value", ["gestern", "13/11/2020", "2025-02-30", "32.01.2025"])
def test_bad_date_gives_warning_but_article_is_kept(tmp_path, value):
    path = write_jsonl(
        tmp_path / "d.jsonl",
        [{"outlet": "taz", "text": TEXT_SPIEGEL}, {"id": "b", "outlet": "taz", "text": TEXT_ZEIT, "date": value}],
    )

    corpus = read_corpus(path)

    assert [a.date for a in corpus.articles] == ["", ""]
    assert corpus.rejected == []
    (warning,) = corpus.issues
    assert (warning.severity, warning.line, warning.article_id) == ("warning", 2, "b")
    assert repr(value) in warning.reason
    assert "YYYY-MM-DD" in warning.reason and "DD.MM.YYYY" in warning.reason


# ----------------------------------------------------------------------------------------------- CSV


def test_csv_with_semicolon_and_custom_fieldmap(tmp_path):
    content = (
        "nr;quelle;datum;ueberschrift;inhalt;ressort\n"
        '1;Tagesspiegel;05.09.2025;Kreml lehnt ab;"Der Kreml lehnt Truppen ab.\n\n„Inakzeptabel“; sagte Peskow.";Ausland\n'
        "2;;05.09.2025;Ohne Quelle;Ein Text ohne Quelle über die Lage in Kiew.;Ausland\n"
        "\n"
        "3;Die Zeit;gestern;Beratungen;Die Außenminister berieten in Brüssel.;Politik\n"
    )
    path = write(tmp_path / "artikel.csv", content)
    fields = FieldMap.from_pairs(["id=nr", "outlet=quelle", "date=datum", "title=ueberschrift", "text=inhalt"])

    corpus = read_corpus(path, fields=fields)

    assert corpus.name == "artikel"
    first, third = corpus.articles
    assert (first.id, first.outlet, first.date, first.title) == ("1", "Tagesspiegel", "2025-09-05", "Kreml lehnt ab")
    assert first.text == "Der Kreml lehnt Truppen ab.\n\n„Inakzeptabel“; sagte Peskow."
    assert first.meta == {"file": str(path), "line": 2, "ressort": "Ausland"}
    # the quoted text spans lines 2-4, so the next record starts on line 5
    assert third.meta["line"] == 7
    rejected, warning = corpus.issues
    assert (rejected.line, rejected.severity, rejected.article_id) == (5, "rejected", "2")
    assert rejected.reason.startswith("no outlet: field 'quelle'")
    assert (warning.line, warning.severity) == (7, "warning")
    assert "'gestern'" in warning.reason


def test_csv_gz_with_tabs_and_bad_row(tmp_path):
    path = tmp_path / "artikel.csv.gz"
    rows = "outlet\ttext\n" "taz\tDie Lage in Charkiw bleibt angespannt.\n" "taz\tzu\tviele\tFelder\n" "nd\tGrüße aus Leipzig.\n"
    path.write_bytes(gzip.compress(rows.encode("utf-8")))

    corpus = read_corpus(path)

    assert corpus.name == "artikel"
    assert [a.outlet for a in corpus.articles] == ["taz", "nd"]
    (issue,) = corpus.rejected
    assert issue.line == 3
    assert "4 fields but the header has 2" in issue.reason


def test_csv_without_text_column_is_refused(tmp_path):
    path = write(tmp_path / "a.csv", "outlet,body\ntaz,Ein Text.\n")
    with pytest.raises(CorpusError, match=r"a\.csv.*no text column 'text'.*columns: outlet, body"):
        read_corpus(path)


# ------------------------------------------------------------------------------- FieldMap and errors


def test_fieldmap_from_pairs():
    fields = FieldMap.from_pairs([" text = article", "outlet=source"])
    assert fields == FieldMap(text="article", outlet="source")
    assert FieldMap.from_pairs([]) == FieldMap()


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        (["body=article"], r"unknown field key 'body'.*allowed keys: id, text, outlet, date, title, url"),
        (["text"], r"KEY=FIELD.*allowed keys: id, text"),
        (["text="], r"names no field"),
        (["text=a", "text=b"], r"mapped twice"),
    ],
)
def test_fieldmap_from_pairs_errors(pairs, message):
    with pytest.raises(CorpusError, match=message):
        FieldMap.from_pairs(pairs)


def test_unknown_format_and_missing_path(tmp_path):
    docx = write(tmp_path / "artikel.docx", b"PK")
    with pytest.raises(CorpusError, match=r"artikel\.docx.*allowed: a folder of \.txt files, a \.jsonl"):
        iter_corpus(docx)
    with pytest.raises(CorpusError, match=r"nicht_da.*does not exist"):
        iter_corpus(tmp_path / "nicht_da")
    with pytest.raises(CorpusError, match=r"unknown corpus format 'xml'; allowed formats: txt, jsonl, csv"):
        iter_corpus(tmp_path, fmt="xml")
    with pytest.raises(CorpusError, match=r"is a folder"):
        iter_corpus(tmp_path, fmt="jsonl")
    assert issubclass(CorpusError, QuellenlageError)


def test_explicit_format_overrides_suffix(tmp_path):
    path = write(tmp_path / "artikel.tsv", "outlet\ttext\ntaz\tDie Außenminister berieten.\n")

    (article,) = read_corpus(path, fmt="csv").articles

    assert (article.outlet, article.text) == ("taz", "Die Außenminister berieten.")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("artikel.jsonl.gz", "artikel"), ("train-outlets.ndjson", "train-outlets"), ("daten.csv", "daten"), ("daten.CSV.GZ", "daten")],
)
def test_corpus_name(tmp_path, name, expected):
    assert corpus_name(tmp_path / name) == expected


def test_corpus_name_of_folder(tmp_path):
    (tmp_path / "mein-korpus").mkdir()
    assert corpus_name(tmp_path / "mein-korpus") == "mein-korpus"


# ----------------------------------------------------------------------------------- output and limit


def test_write_issues_csv_header_and_rows(tmp_path):
    empty = tmp_path / "leer" / "rejected.csv"
    write_issues_csv([], empty)
    assert empty.read_text(encoding="utf-8").splitlines() == ["file,line,severity,reason,article_id"]

    issues = [
        CorpusIssue("korpus/a.txt", None, "empty file", "rejected", "a"),
        CorpusIssue("k.jsonl", 3, "invalid JSON: Expecting ',' delimiter at column 42", "rejected"),
        CorpusIssue("k.jsonl", 4, "unparseable date 'gestern'", "warning", "x"),
    ]
    out = tmp_path / "rejected.csv"
    write_issues_csv(issues, out)

    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows == [
        {"file": "korpus/a.txt", "line": "", "severity": "rejected", "reason": "empty file", "article_id": "a"},
        {
            "file": "k.jsonl",
            "line": "3",
            "severity": "rejected",
            "reason": "invalid JSON: Expecting ',' delimiter at column 42",
            "article_id": "",
        },
        {"file": "k.jsonl", "line": "4", "severity": "warning", "reason": "unparseable date 'gestern'", "article_id": "x"},
    ]


def test_limit_stops_after_that_many_articles(tmp_path):
    records = [{"outlet": "zeit", "text": f"Meldung {i}: Die Außenminister berieten in Brüssel."} for i in range(10)]
    records.insert(1, "{kaputt")
    path = write_jsonl(tmp_path / "viele.jsonl", records)

    items = list(iter_corpus(path, limit=3))
    articles, issues = split(items)

    assert [a.text.split(":")[0] for a in articles] == ["Meldung 0", "Meldung 1", "Meldung 2"]
    assert isinstance(items[-1], Article)
    assert [i.line for i in issues] == [2]
    assert read_corpus(path, limit=0).articles == []
    assert len(read_corpus(path).articles) == 10
    with pytest.raises(CorpusError, match="limit"):
        iter_corpus(path, limit=-1)


def test_iter_corpus_streams_lazily(tmp_path):
    path = write_jsonl(tmp_path / "s.jsonl", [{"outlet": "zeit", "text": TEXT_ZEIT}, "{kaputt"])
    stream = iter_corpus(path)

    first = next(stream)

    assert isinstance(first, Article)
    assert first.text == TEXT_ZEIT
    assert not isinstance(stream, (list, tuple))
