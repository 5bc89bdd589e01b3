"""The node's services: rules and transactions, called by resources and the CLI."""
