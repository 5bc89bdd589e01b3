"""`python -m liancha`: the same as the `liancha` command (used to start child processes)."""

from liancha.cli import main

if __name__ == "__main__":  # not when a spawned worker process imports this module
    main()
