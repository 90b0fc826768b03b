"""The ``riskmap`` command line: one module per subcommand."""
