"""Stand-in provider plugins and the fake cloud they share (see `provider.py`)."""
