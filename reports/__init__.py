"""Monthly reports (DESIGN.md, "Reports"): timeliness, quality and dynamics. Not built yet: a later issue."""
