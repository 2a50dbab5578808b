"""Analyses over the register's data: planners' measures and the exchange board's matching."""
