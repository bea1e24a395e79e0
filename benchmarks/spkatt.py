"""SpkAtt-2023 (task 2, German Wikinews) benchmark of analysis/measures/sourcing.py.

    python benchmarks/spkatt.py predict INPUT_DIR OUTPUT_DIR [--model blank]
    python benchmarks/spkatt.py score GOLD_DIR PRED_DIR [--json]

``predict`` reads SpkAtt JSON files (format: ../shared/data/spkatt-2023/README.md), builds each Doc from the
given tokens and sentences (no re-tokenisation, no sentencizer; the project's lemmatizer and lemma-norm
components run on it), and writes a JSON file of the same name whose ``Annotations`` are the top-level
attributions found by :func:`analysis.measures.sourcing.find_attributions` (``Sentences`` copied unchanged).

``score`` compares a folder of predictions with a gold folder, as the shared task's simplified track does:
only annotations with ``IsNested == false``; per document, gold and predicted messages are paired one to one
by best token overlap (Hungarian assignment on overlap F1, same form as tie-breaker; pairs without any
overlap are left unpaired); messages and sources are then scored on tokens:

* ``micro`` (the definition of the issue): token counts summed over all pairs; an unpaired gold annotation
  counts all its tokens as misses, an unpaired prediction all its tokens as false alarms.
  P = tp / (tp + fp), R = tp / (tp + fn), F1 = 2PR / (P + R); ``both`` sums message and source counts.
* ``macro`` (what the official CodaLab script reports): P and R per pair (and per unpaired annotation)
  averaged over the pairs where they are defined; the official script also pairs messages without overlap.

Form mapping: direct → Direct; indirect → Indirect (``continuation`` → IndirectFreeIndirect);
reported → Reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FORM_MAP = {"direct": "Direct", "indirect": "Indirect", "reported": "Reported"}
WRITING_VERBS = frozenset("schreiben berichten veröffentlichen melden vermelden titeln zitieren".split())


# --------------------------------------------------------------------------- predict


def build_pipeline(model: str = "blank"):
    """The project's base pipeline; its sentence splitter is not used (SpkAtt gives the sentences)."""
    from analysis.processing.nlp import load_base_pipeline

    return load_base_pipeline(model)


def doc_from_spkatt(nlp, data: dict):
    """A Doc from the SpkAtt tokens and sentences, processed by the pipeline's token-level components."""
    from spacy.tokens import Doc

    words: list[str] = []
    sent_starts: list[bool] = []
    for sent in data["Sentences"]:
        for k, tok in enumerate(sent["Tokens"]):
            words.append(tok)
            sent_starts.append(k == 0)
    doc = Doc(nlp.vocab, words=words, sent_starts=sent_starts)
    for name, proc in nlp.pipeline:
        if name in ("sentencizer", "senter", "parser") or name.startswith("lexicon:"):
            continue
        doc = proc(doc)
    return doc


def _offsets(data: dict) -> list[str]:
    out = []
    for sent in data["Sentences"]:
        for k in range(len(sent["Tokens"])):
            out.append(f"{sent['SentenceId']}:{k}")
    return out


def annotations_for(doc, data: dict, resources) -> list[dict]:
    from analysis.measures.sourcing import find_attributions

    offs = _offsets(data)
    atts = find_attributions(doc, resources, nested=True)
    top = [a for a in atts if not a.nested]
    nested_msgs = [a.message for a in atts if a.nested]
    out = []
    for a in top:
        msg_tokens = sorted({t for s, e in a.message_tokens for t in range(s, e)})
        src_tokens = list(range(*a.speaker_tokens)) if a.speaker_tokens else []
        form = FORM_MAP[a.form]
        if a.pattern == "continuation":
            form = "IndirectFreeIndirect"
        has_nested = any(a.message.start_char <= m.start_char and m.end_char <= a.message.end_char for m in nested_msgs)
        out.append(
            {
                "Addr": [],
                "Cue": [offs[t] for t in a.cue_tokens],
                "Form": form,
                "Frame": [],
                "HasNested": bool(has_nested),
                "IsNested": False,
                "Message": [offs[t] for t in msg_tokens],
                "STWR": "Writing" if a.verb in WRITING_VERBS else "Speech",
                "Source": [offs[t] for t in src_tokens],
            }
        )
    return out


def predict(input_dir: Path, output_dir: Path, model: str = "blank", *, limit: int | None = None, nlp=None) -> dict:
    """Write predictions for the (first ``limit``, sorted by name) SpkAtt files of ``input_dir``."""
    from analysis.measures.sourcing import SourcingResources

    nlp = nlp or build_pipeline(model)
    resources = SourcingResources.load(nlp=nlp)
    output_dir.mkdir(parents=True, exist_ok=True)
    n_docs = n_tokens = 0
    seconds = 0.0
    for path in sorted(input_dir.glob("*.json"))[:limit]:
        data = json.loads(path.read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        doc = doc_from_spkatt(nlp, data)
        annotations = annotations_for(doc, data, resources)
        seconds += time.perf_counter() - t0
        out = {"Annotations": annotations, "DocumentName": data.get("DocumentName", path.stem), "Sentences": data["Sentences"]}
        (output_dir / path.name).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        n_docs += 1
        n_tokens += len(doc)
    return {"documents": n_docs, "tokens": n_tokens, "seconds": round(seconds, 2), "tokens_per_second": round(n_tokens / seconds) if seconds else None}


# --------------------------------------------------------------------------- score


@dataclass
class Group:
    msg: frozenset[int]
    src: frozenset[int]
    form: str | None
    stwr: str | None


def _abs(offsets: list[str], sent_offs: list[int]) -> frozenset[int]:
    out = set()
    for o in offsets:
        s, t = o.split(":")
        out.add(sent_offs[int(s)] + int(t))
    return frozenset(out)


def read_groups(path: Path, sent_offs: list[int] | None = None) -> tuple[list[Group], list[int]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if sent_offs is None:
        sent_offs = [0]
        for sent in data["Sentences"]:
            sent_offs.append(sent_offs[-1] + len(sent["Tokens"]))
    groups = []
    for a in data.get("Annotations", []):
        if a.get("IsNested", False):
            continue
        groups.append(Group(_abs(a.get("Message", []), sent_offs), _abs(a.get("Source", []), sent_offs), a.get("Form"), a.get("STWR")))
    return groups, sent_offs


def overlap_f1(gold: frozenset[int], sys_: frozenset[int]) -> float:
    both = len(gold & sys_)
    if both == 0:
        return 0.0
    p = both / len(sys_)
    r = both / len(gold)
    return 2 * p * r / (p + r)


def assign(gold: list[Group], pred: list[Group], *, keep_zero: bool = False) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index) maximising message overlap (form as tie-breaker)."""
    if not gold or not pred:
        return []
    scores = [[0.0] * len(pred) for _ in gold]
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            o = overlap_f1(g.msg, p.msg)
            scores[i][j] = o + (0.01 if o > 0 and g.form == p.form else 0.0) + (0.001 if o > 0 and g.stwr == p.stwr else 0.0)
    try:
        import numpy as np
        from scipy.optimize import linear_sum_assignment

        rows, cols = linear_sum_assignment(np.array(scores), maximize=True)
        pairs = list(zip(rows.tolist(), cols.tolist()))
    except ImportError:  # greedy fallback: best overlap first
        cells = sorted(((scores[i][j], i, j) for i in range(len(gold)) for j in range(len(pred))), reverse=True)
        used_g, used_p, pairs = set(), set(), []
        for sc, i, j in cells:
            if i not in used_g and j not in used_p:
                pairs.append((i, j))
                used_g.add(i)
                used_p.add(j)
    if not keep_zero:
        pairs = [(i, j) for i, j in pairs if scores[i][j] > 0]
    return pairs


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: frozenset[int], pred: frozenset[int]) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def prf(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class Macro:
    p: list[float] = field(default_factory=list)
    r: list[float] = field(default_factory=list)

    def add(self, gold: frozenset[int], pred: frozenset[int]) -> None:
        tp = len(gold & pred)
        if pred:
            self.p.append(tp / len(pred))
        if gold:
            self.r.append(tp / len(gold))

    @staticmethod
    def summary(*ms: "Macro") -> dict[str, float]:
        ps = [x for m in ms for x in m.p]
        rs = [x for m in ms for x in m.r]
        p = sum(ps) / len(ps) if ps else 0.0
        r = sum(rs) / len(rs) if rs else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def score(gold_dir: Path, pred_dir: Path, *, limit: int | None = None) -> dict:
    """Scores of ``pred_dir`` against ``gold_dir`` (see module docstring); missing predictions = empty.

    ``limit``: score only the first ``limit`` gold files (sorted by name)."""
    msg, src = Counts(), Counts()
    mmsg, msrc = Macro(), Macro()
    n_docs = n_gold = n_pred = n_pairs = 0
    for gpath in sorted(gold_dir.glob("*.json"))[:limit]:
        gold, sent_offs = read_groups(gpath)
        ppath = pred_dir / gpath.name
        pred = read_groups(ppath, sent_offs)[0] if ppath.is_file() else []
        n_docs += 1
        n_gold += len(gold)
        n_pred += len(pred)
        pairs = assign(gold, pred)
        n_pairs += len(pairs)
        pg = {i for i, _ in pairs}
        pp = {j for _, j in pairs}
        for i, j in pairs:
            msg.add(gold[i].msg, pred[j].msg)
            src.add(gold[i].src, pred[j].src)
        for i, g in enumerate(gold):
            if i not in pg:
                msg.add(g.msg, frozenset())
                src.add(g.src, frozenset())
        for j, p in enumerate(pred):
            if j not in pp:
                msg.add(frozenset(), p.msg)
                src.add(frozenset(), p.src)
        # official-style macro averages (all assignment pairs, zero overlap included)
        opairs = assign(gold, pred, keep_zero=True)
        og = {i for i, _ in opairs}
        op = {j for _, j in opairs}
        for i, j in opairs:
            mmsg.add(gold[i].msg, pred[j].msg)
            msrc.add(gold[i].src, pred[j].src)
        for i, g in enumerate(gold):
            if i not in og:
                mmsg.add(g.msg, frozenset())
                msrc.add(g.src, frozenset())
        for j, p in enumerate(pred):
            if j not in op:
                mmsg.add(frozenset(), p.msg)
                msrc.add(frozenset(), p.src)
    both = Counts(msg.tp + src.tp, msg.fp + src.fp, msg.fn + src.fn)
    return {
        "documents": n_docs,
        "gold_annotations": n_gold,
        "predicted_annotations": n_pred,
        "pairs": n_pairs,
        "micro": {"messages": msg.prf(), "sources": src.prf(), "both": both.prf()},
        "macro_official_style": {
            "messages": Macro.summary(mmsg),
            "sources": Macro.summary(msrc),
            "both": Macro.summary(mmsg, msrc),
        },
    }


def _print_scores(result: dict) -> None:
    print(
        f"{result['documents']} documents, {result['gold_annotations']} gold / {result['predicted_annotations']} "
        f"predicted top-level annotations, {result['pairs']} pairs"
    )
    for kind in ("micro", "macro_official_style"):
        print(kind)
        for part in ("messages", "sources", "both"):
            r = result[kind][part]
            print(f"  {part:9s} P={r['precision']:.3f}  R={r['recall']:.3f}  F1={r['f1']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spkatt.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("predict", help="write predictions for every SpkAtt JSON file of INPUT_DIR")
    p.add_argument("input_dir", type=Path)
    p.add_argument("output_dir", type=Path)
    p.add_argument("--model", default="blank", help="spaCy pipeline (default: the fallback 'blank')")
    p.add_argument("--limit", type=int, default=None, help="only the first N files (sorted by name)")
    s = sub.add_parser("score", help="precision/recall/F1 of PRED_DIR against GOLD_DIR (simplified track)")
    s.add_argument("gold_dir", type=Path)
    s.add_argument("pred_dir", type=Path)
    s.add_argument("--json", action="store_true", help="print the scores as JSON")
    s.add_argument("--limit", type=int, default=None, help="only the first N gold files (sorted by name)")
    args = parser.parse_args(argv)
    if args.command == "predict":
        if not args.input_dir.is_dir():
            parser.error(f"input folder {args.input_dir} does not exist")
        info = predict(args.input_dir, args.output_dir, args.model, limit=args.limit)
        print(f"{info['documents']} documents, {info['tokens']} tokens, {info['seconds']} s ({info['tokens_per_second']} tokens/s, pipeline + sourcing)")
        return 0
    for d in (args.gold_dir, args.pred_dir):
        if not d.is_dir():
            parser.error(f"folder {d} does not exist")
    result = score(args.gold_dir, args.pred_dir, limit=args.limit)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print_scores(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
