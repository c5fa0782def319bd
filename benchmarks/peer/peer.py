#!/usr/bin/python3
"""Peer reference classifier for AbuseDetector benchmarks.

A plain scikit-learn baseline (word 1-2 gram TF-IDF + char_wb 2-5 gram TF-IDF,
then class-balanced logistic regression) trained and scored on the official or
fixed splits of the labeled sets in shared/data. One fixed configuration, no
tuning on test data.

Usage:
    /usr/bin/python3 benchmarks/peer/peer.py --data ../shared/data [--set NAME|all] [--json]
"""

import argparse
import csv
import hashlib
import json
import os
import sys
import time

SETS = ("olid-a", "olid-b", "olid-c", "convabuse", "davidson")

# Fixed peer configuration (chosen up front, not tuned on any test set).
LR_C = 4.0
LR_MAX_ITER = 2000
LATENCY_TEXTS = 200
SEED = 0


class UsageError(Exception):
    """A problem the user can fix (bad folder, unknown set, missing file)."""


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(2)


def open_csv(path, delimiter=","):
    if not os.path.isfile(path):
        raise UsageError("Data file not found: %s" % path)
    handle = open(path, newline="", encoding="utf-8")
    return handle, csv.reader(handle, delimiter=delimiter)


def read_rows(path, delimiter=","):
    """Return (header, rows) parsed with RFC 4180 quoting."""
    handle, reader = open_csv(path, delimiter)
    with handle:
        header = next(reader)
        rows = [row for row in reader]
    return header, rows


# ---------------------------------------------------------------- OLID

def olid_train(data, label_column, keep=None):
    header, rows = read_rows(os.path.join(data, "olid", "olid-training-v1.0.tsv"), "\t")
    col = {name: i for i, name in enumerate(header)}
    texts, labels = [], []
    for row in rows:
        if keep is not None and row[col[keep[0]]] != keep[1]:
            continue
        texts.append(row[col["tweet"]])
        labels.append(row[col[label_column]])
    return texts, labels


def olid_test(data, level):
    header, rows = read_rows(os.path.join(data, "olid", "testset-level%s.tsv" % level), "\t")
    col = {name: i for i, name in enumerate(header)}
    lheader, lrows = read_rows(os.path.join(data, "olid", "labels-level%s.csv" % level))
    lcol = {name: i for i, name in enumerate(lheader)}
    gold = {r[lcol["id"]]: r[lcol["label"]] for r in lrows}
    texts, labels = [], []
    for row in rows:
        tid = row[col["id"]]
        if tid not in gold:
            raise UsageError("OLID level %s test id %s has no gold label." % (level, tid))
        texts.append(row[col["tweet"]])
        labels.append(gold[tid])
    if len(texts) != len(gold):
        raise UsageError("OLID level %s: test and label files do not match one to one." % level)
    return texts, labels


def load_olid_a(data):
    train = olid_train(data, "subtask_a")
    test = olid_test(data, "a")
    return train, test, ["NOT", "OFF"], {}


def load_olid_b(data):
    train = olid_train(data, "subtask_b", keep=("subtask_a", "OFF"))
    test = olid_test(data, "b")
    return train, test, ["TIN", "UNT"], {}


def load_olid_c(data):
    train = olid_train(data, "subtask_c", keep=("subtask_b", "TIN"))
    test = olid_test(data, "c")
    return train, test, ["IND", "GRP", "OTH"], {}


# ---------------------------------------------------------------- ConvAbuse

ABUSE_LEVELS = ("1", "0", "-1", "-2", "-3")
ABUSIVE_LEVELS = ("-1", "-2", "-3")


def first_value(cell):
    """'1, 1' -> '1'; '' -> ''. Repeat annotations: keep the first."""
    return cell.split(",")[0].strip()


def convabuse_file(path):
    header, rows = read_rows(path)
    col = {name: i for i, name in enumerate(header)}
    if "user" not in col:
        raise UsageError("ConvAbuse file has no 'user' column: %s" % path)
    annotators = []
    i = 1
    while "Annotator%d_is_abuse.1" % i in col:
        cols = []
        for level in ABUSE_LEVELS:
            name = "Annotator%d_is_abuse.%s" % (i, level)
            if name not in col:
                raise UsageError("ConvAbuse file lacks column %s: %s" % (name, path))
            cols.append((level, col[name]))
        annotators.append(cols)
        i += 1
    if not annotators:
        raise UsageError("ConvAbuse file has no Annotator*_is_abuse.* columns: %s" % path)
    texts, labels = [], []
    for row in rows:
        n_labeled = 0
        n_abusive = 0
        for cols in annotators:
            cells = [(level, first_value(row[idx])) for level, idx in cols]
            if all(value == "" for _, value in cells):
                continue  # this annotator did not label the example
            n_labeled += 1
            chosen = [level for level, value in cells if value == "1"]
            if chosen and chosen[0] in ABUSIVE_LEVELS:
                n_abusive += 1
        if n_labeled == 0:
            raise UsageError("ConvAbuse example without any annotation in %s" % path)
        texts.append(row[col["user"]])
        labels.append("abusive" if 2 * n_abusive > n_labeled else "not_abusive")
    return texts, labels


def load_convabuse(data):
    folder = os.path.join(data, "convabuse")
    tr_x, tr_y = convabuse_file(os.path.join(folder, "ConvAbuseEMNLPtrain.csv"))
    va_x, va_y = convabuse_file(os.path.join(folder, "ConvAbuseEMNLPvalid.csv"))
    te_x, te_y = convabuse_file(os.path.join(folder, "ConvAbuseEMNLPtest.csv"))
    # The peer trains on train + valid (no hyperparameter search uses valid).
    train = (tr_x + va_x, tr_y + va_y)
    notes = {
        "train_files": "train+valid",
        "test_abusive": sum(1 for y in te_y if y == "abusive"),
    }
    return train, (te_x, te_y), ["not_abusive", "abusive"], notes


# ---------------------------------------------------------------- Davidson

def davidson_is_test(key):
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    by_int = int.from_bytes(digest, "big") % 5 == 0
    by_sum = sum(digest) % 5 == 0  # 256 = 1 (mod 5), so both rules must agree
    if by_int != by_sum:
        raise AssertionError("Davidson split rules disagree for row %r" % key)
    return by_int


def load_davidson(data):
    header, rows = read_rows(os.path.join(data, "davidson", "labeled_data.csv"))
    col = {name: i for i, name in enumerate(header)}
    names = {"0": "hate", "1": "offensive", "2": "neither"}
    train_x, train_y, test_x, test_y = [], [], [], []
    for row in rows:
        label = names[row[col["class"]]]
        if davidson_is_test(row[0]):
            test_x.append(row[col["tweet"]])
            test_y.append(label)
        else:
            train_x.append(row[col["tweet"]])
            train_y.append(label)
    notes = {
        "split_rules_agree": True,  # davidson_is_test raises otherwise
        "test_class_counts": {c: test_y.count(c) for c in ("hate", "offensive", "neither")},
    }
    return (train_x, train_y), (test_x, test_y), ["hate", "offensive", "neither"], notes


LOADERS = {
    "olid-a": load_olid_a,
    "olid-b": load_olid_b,
    "olid-c": load_olid_c,
    "convabuse": load_convabuse,
    "davidson": load_davidson,
}


# ---------------------------------------------------------------- model

def build_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                 min_df=2, lowercase=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                 min_df=2, lowercase=True)),
    ], n_jobs=1)
    classifier = LogisticRegression(C=LR_C, max_iter=LR_MAX_ITER, class_weight="balanced",
                                    random_state=SEED)
    return Pipeline([("features", features), ("lr", classifier)])


def evaluate(name, data):
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    (train_x, train_y), (test_x, test_y), classes, notes = LOADERS[name](data)

    model = build_model()
    start = time.perf_counter()
    model.fit(train_x, train_y)
    fit_seconds = time.perf_counter() - start

    start = time.perf_counter()
    predicted = model.predict(test_x)
    batch_seconds = time.perf_counter() - start

    # Single-text latency: one predict() call per text, first N test texts.
    sample = test_x[:LATENCY_TEXTS]
    model.predict(sample[:1])  # warm-up
    start = time.perf_counter()
    for text in sample:
        model.predict([text])
    single_us = (time.perf_counter() - start) / len(sample) * 1e6

    macro = f1_score(test_y, predicted, labels=classes, average="macro", zero_division=0)
    p, r, f, s = precision_recall_fscore_support(test_y, predicted, labels=classes,
                                                 zero_division=0)
    per_class = {c: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                     "f1": round(float(f[i]), 4), "support": int(s[i])}
                 for i, c in enumerate(classes)}
    result = {
        "set": name,
        "macro_f1": round(float(macro), 4),
        "per_class": per_class,
        "n_train": len(train_x),
        "n_test": len(test_x),
        "fit_seconds": round(fit_seconds, 3),
        "single_text_predict_us": round(single_us, 1),
        "items_per_second": round(len(test_x) / batch_seconds, 1),
    }
    if notes:
        result["notes"] = notes
    return result


def print_text(result):
    print("== %s ==" % result["set"])
    print("macro-F1: %.4f   train: %d   test: %d" % (result["macro_f1"], result["n_train"],
                                                     result["n_test"]))
    print("  %-12s %9s %9s %9s %8s" % ("class", "precision", "recall", "f1", "support"))
    for label, m in result["per_class"].items():
        print("  %-12s %9.4f %9.4f %9.4f %8d" % (label, m["precision"], m["recall"], m["f1"],
                                                 m["support"]))
    print("fit: %.2f s   single-text predict: %.0f us/text   batch: %.0f items/s" % (
        result["fit_seconds"], result["single_text_predict_us"], result["items_per_second"]))
    for key, value in result.get("notes", {}).items():
        print("note %s: %s" % (key, value))
    print()


def main(argv=None):
    parser = argparse.ArgumentParser(description="scikit-learn peer classifier for AbuseDetector")
    parser.add_argument("--data", required=True, help="path to shared/data")
    parser.add_argument("--set", default="all", help="one of %s, or all" % ", ".join(SETS))
    parser.add_argument("--json", action="store_true", help="one JSON object per set per line")
    args = parser.parse_args(argv)

    if args.set != "all" and args.set not in SETS:
        fail("Unknown set '%s'; choose one of %s or all." % (args.set, ", ".join(SETS)))
    if not os.path.isdir(args.data):
        fail("Data folder not found: %s" % args.data)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        fail("scikit-learn is missing; install it with: apt-get install -y python3-sklearn")

    names = SETS if args.set == "all" else (args.set,)
    total = time.perf_counter()
    for name in names:
        try:
            result = evaluate(name, args.data)
        except UsageError as err:
            fail(str(err))
        if args.json:
            print(json.dumps(result, sort_keys=False), flush=True)
        else:
            print_text(result)
            sys.stdout.flush()
    if not args.json:
        print("total run time: %.1f s" % (time.perf_counter() - total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
