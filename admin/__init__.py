"""The administrator's tools: agencies and staff (``python -m admin``), into Firestore and Firebase Auth."""
