"""The `liancha` command line: one entry point over every deployable of the federation."""
