"""``python -m riskmap``."""
try:
    from riskmap.cli.main import entry_point
except KeyboardInterrupt:  # Ctrl-C while the command line itself is imported
    import sys

    print("riskmap: interrupted", file=sys.stderr)
    sys.exit(130)

entry_point()
