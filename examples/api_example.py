"""Use Quellenlage from Python: read a corpus, analyse it, look at the tables, write the report.

Run:  python examples/api_example.py [CORPUS] [OUT_DIR]
(defaults: the bundled seeds and reports/api-example). Tested in tests/test_examples.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import analysis as ql

HERE = Path(__file__).resolve().parent


def main(corpus_path: str | Path = HERE / "seeds", out_dir: str | Path = "reports/api-example") -> ql.AnalysisResult:
    corpus = ql.read_corpus(corpus_path)
    print(f"{len(corpus.articles)} articles, {len(corpus.rejected)} rejected")

    # Fallback pipeline for reproducibility; use model="auto" to take a trained German model when installed.
    result = ql.analyze(corpus, model="blank", bootstrap=ql.BootstrapSettings(n_resamples=1000, seed=1))

    # Which outlet names the war how? One row per outlet, pooled index with a 95% CI.
    index = result.outlets[result.outlets.measure == "war_naming.index"]
    print(index[["outlet", "n_articles", "estimate", "ci_low", "ci_high"]].to_string(index=False))

    # Every number is backed by evidence spans with exact character offsets into the text.
    euphemisms = result.evidence[(result.evidence.lexicon == "war_naming") & (result.evidence.category == "euphemism")]
    for row in euphemisms.itertuples():
        assert result.texts[row.article_id][row.start_char : row.end_char] == row.text
        print(f"{row.article_id}: …{row.left[-30:]} [{row.text}] {row.right[:30]}…")

    ql.write_outputs(result, out_dir)
    print(f"report: {Path(out_dir) / 'report.pdf'}")
    return result


if __name__ == "__main__":
    main(*sys.argv[1:3])
