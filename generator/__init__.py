"""Synthetic archive catalogues in legacy layouts, with mappings and a ground truth."""
