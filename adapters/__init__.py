"""Adapters of the case workflow's ports to Google Cloud: the case repository and the staff directory on
Firestore. Entry points never live here; the domain (``cases``, ``deadlines``) never imports this."""
