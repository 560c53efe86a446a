"""arkisto: search and browse Finnish municipal decision archives."""

__version__ = "0.1.0"
