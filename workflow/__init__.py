"""The case workflow's application service: the one place that runs a command against the case repository
and follows it up (Cloud Tasks for new deadlines, the outbox for the events). Used by the staff API,
intake, escalation and the calendar's upkeep; built by the composition root (``bootstrap``)."""
