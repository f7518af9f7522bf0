"""`python -m signalscore`."""

from signalscore.cli import main

main()
