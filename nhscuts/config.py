"""Paths and defaults shared by the commands."""

import os
from pathlib import Path

DB_ENV_VAR = "NHSCUTS_DB"
DEFAULT_DB = Path("data/corpus.db")


def default_db() -> Path:
    return Path(os.environ.get(DB_ENV_VAR) or DEFAULT_DB)
