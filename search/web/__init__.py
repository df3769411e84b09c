"""The web service for officers and the public: `create_app(engine, store, settings)`.

Imports `schemas` and `search` only. `hoso serve` (ingest/cli_serve.py) builds it over the
catalog (`ingest.accounts.CatalogStore`) and a search engine.
"""

from search.web.app import SearchEngine, WebSettings, create_app
from search.web.policy import PublicPolicy

__all__ = ["PublicPolicy", "SearchEngine", "WebSettings", "create_app"]
