"""The search screen's widgets.  Each renders state it is given and posts
intent messages; the screen coordinates."""

from .detail import DetailPane
from .facets import FacetPanel
from .query_bar import QueryBar
from .results import ResultList
from .status import StatusBar

__all__ = ["DetailPane", "FacetPanel", "QueryBar", "ResultList", "StatusBar"]
