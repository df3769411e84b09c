"""The web service for officers and the public: `create_app(engine, store, settings)`.

The app imports `schemas`, `search` and `ingest.review_boxes` only; `hoso serve`
(search/web/cli_serve.py) builds it over the catalog (`search.web.accounts.CatalogStore`) and a
search engine. The names below load lazily so
that importing a submodule (e.g. `search.web.auth` for the CLI) does not pull in FastAPI.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PublicPolicy", "SearchEngine", "WebSettings", "create_app"]


def __getattr__(name: str) -> Any:
    if name in ("SearchEngine", "WebSettings", "create_app"):
        from search.web import app

        return getattr(app, name)
    if name == "PublicPolicy":
        from search.web.policy import PublicPolicy

        return PublicPolicy
    raise AttributeError(name)
