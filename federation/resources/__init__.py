"""The hub's HTTP surface: thin views over `federation.services`."""
