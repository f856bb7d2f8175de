from functions.main import *  # noqa: F403  (Cloud Functions load main.py at the source root)
