"""The archive node: answers standard lookups from one archive's own catalogue."""
