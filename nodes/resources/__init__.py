"""The node's HTTP surface: thin views over `nodes.services`."""
