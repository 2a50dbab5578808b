"""Semantic exceptions of the ETL.

Each subclasses a builtin so that callers which do not know this package still
catch them. Messages name the offending value and the fix; the command line
(:mod:`etl.cli`) turns them into one line on stderr and exit code 2.
"""

from __future__ import annotations


class InputMissingError(FileNotFoundError):
    """An input file (offer list, districts, config) does not exist."""


class InputEmptyError(ValueError):
    """An input file exists but holds no header or no data rows."""


class InputFormatError(ValueError):
    """An input file cannot be read in any supported format or encoding."""


class ColumnError(ValueError):
    """A required column (e.g. ``Name``) is not found among the headers."""


class ConfigError(ValueError):
    """The city config (TOML) is unreadable or has unknown or ill-typed keys."""


#: Exceptions that mean "the input is unusable" (exit code 2 at the command line).
INPUT_ERRORS: tuple[type[Exception], ...] = (
    InputMissingError,
    InputEmptyError,
    InputFormatError,
    ColumnError,
    ConfigError,
)
