"""Haven: the operations ledger of a settlement in crisis."""

__version__ = "0.1.0"
