"""Deadlines at work: the Cloud Tasks that wake a case, the task handler that lets the case decide
(``cases.escalation``), the sweep that catches whatever a lost task or a crash left, and the production
calendar's upkeep on stored cases. Application code over the case repository's port; no domain rules."""
