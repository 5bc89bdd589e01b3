"""A hub answering an upper hub as a node does (docs/hub.md, "Hubs nest")."""
