"""Importing catalogues: the standard CSV directly, legacy CSV/XLSX through a mapping file."""
