"""`python -m signalscore`."""

from signalscore.cli import main

if __name__ == "__main__":  # parsing workers import this module again: they must not run the command
    main()
