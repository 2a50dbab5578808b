"""Semantic exceptions of the data contract.

Each subclasses a builtin so callers that do not know this package still catch
them; the CLI turns them into one line on stderr and an exit code.
"""

from __future__ import annotations


class ContractError(ValueError):
    """Data does not follow the offer or district schema."""


class DatasetError(FileNotFoundError):
    """A bundled or configured dataset is missing or unreadable."""
