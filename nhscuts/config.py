"""Paths and defaults shared by the commands."""

import os
from pathlib import Path

DB_ENV_VAR = "NHSCUTS_DB"
DEFAULT_DB = Path("data/corpus.db")
# `nhscuts demo` (run by `make demo`): the sample site, where it is built and served.
DEMO_DB = Path("data/demo.db")
DEMO_SITE = Path("data/demo-site")
DEMO_PORT = 8765


def default_db() -> Path:
    return Path(os.environ.get(DB_ENV_VAR) or DEFAULT_DB)
