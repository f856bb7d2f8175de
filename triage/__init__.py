"""Triage at intake, in Russian (issue 13): the first read of a message for the curator, who decides."""
