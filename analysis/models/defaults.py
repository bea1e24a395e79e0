"""Defaults of the sentence-frame classifier, importable without numpy or scikit-learn (the command
line shows them in ``--help``)."""

#: Classes with fewer examples than this are refused.
DEFAULT_MIN_EXAMPLES = 10
#: ``none`` sentences sampled per labelled sentence (weak labels).
DEFAULT_NONE_RATIO = 3.0
#: A frame prediction counts as a flag from this probability on.
DEFAULT_THRESHOLD = 0.5
#: Cross-validation folds.
DEFAULT_FOLDS = 5
#: Weight of the (centred, unit-length) sentence embedding next to the two unit-length TF-IDF blocks.
DEFAULT_EMBEDDING_WEIGHT = 1.0
