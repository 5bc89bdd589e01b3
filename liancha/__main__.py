"""`python -m liancha`: the same as the `liancha` command (used to start child processes)."""

from liancha.cli import main

main()
