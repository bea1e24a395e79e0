"""Constants of the lexicon format that the command line needs before anything heavy is imported."""

#: How an entry's terms are compared with tokens: exact text, lower case, lemma, or prefix.
MATCH_MODES = ("orth", "lower", "lemma", "prefix")
