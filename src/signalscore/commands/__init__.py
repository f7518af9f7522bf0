"""One module per command group; importing a module registers its commands on `signalscore.cli.app`."""
