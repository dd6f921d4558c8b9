"""The planner in the browser (``skyshield serve``): a FastAPI app over the library.

:func:`create_app` makes the app for a :class:`ServerConfig`; the page (``static/``) uses only
its JSON API, which scripts may use too (OpenAPI at ``/docs``).
"""

from skyshield.web.app import create_app
from skyshield.web.config import Limits, ServerConfig

__all__ = ["Limits", "ServerConfig", "create_app"]
