"""The hub's services: rules, permissions and transactions, called by resources and the CLI."""
