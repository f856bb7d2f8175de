"""The outbox: every committed write of a case leaves its events undispatched in ``cases/{id}/events``;
the dispatcher hands each to its handlers (``outbox.registry``) once, in order per case, and marks it.
Delivery: a Cloud Task per commit (``POST /tasks/events``), with the sweep catching anything a lost task
left (docs/decisions/0009-outbox-cloud-task-per-commit.md)."""
