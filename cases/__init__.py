"""The case workflow of decree No. 83 (§8–§22), pure: commands in, a new case and its events out.

``cases.model`` (the aggregate), ``cases.commands`` (what people do), ``cases.events`` (the audit
trail), ``cases.transitions`` (who may do what, from which state), ``cases.errors``.
"""
