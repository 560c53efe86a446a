"""Screens: the search screen (the app's one main screen) and the help."""

from .help import HelpScreen
from .search import SearchScreen

__all__ = ["HelpScreen", "SearchScreen"]
