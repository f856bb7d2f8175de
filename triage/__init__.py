"""Triage at intake, in Russian (issue 13): the first read of a message for the curator, who decides."""

# The lexicon's and the rubricator's version, kept with each result on a case (a result says what made it).
VERSION = "lexicon-2026.12.5"
