"""``python -m riskmap``."""
from riskmap.cli.main import entry_point

entry_point()
