"""Monthly reports (§21): timeliness, quality and dynamics. Not built yet: a later issue."""
