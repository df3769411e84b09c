"""The officer pages over the Elasticsearch backend give the cases the embedded one gives."""

from __future__ import annotations

import os
import re

import pytest
from fastapi.testclient import TestClient
from web_fixtures import SampleArchive, login

from ingest.catalog import Catalog
from ingest.index import reindex
from search.engine import open_engine
from search.es_backend import EsBackend
from search.web import WebSettings, create_app
from search.web.accounts import CatalogStore

ES_URL = os.environ.get("HOSO_TEST_ES_URL", "http://127.0.0.1:9200")
ALIAS = "hoso-test-web"


@pytest.fixture(scope="module")
def es_app(web_sample: SampleArchive):  # type: ignore[no-untyped-def]
    backend = EsBackend(ES_URL, alias=ALIAS)
    if not backend.available():  # never skip: the server is part of the test setup
        pytest.fail(f"Elasticsearch is not reachable at {ES_URL} (scripts/start-es)")
    with Catalog(web_sample.archive) as cat:
        reindex(cat, backend)
    backend.close()
    engine = open_engine(web_sample.archive, ES_URL, es_alias_name=ALIAS)
    return create_app(engine, CatalogStore(web_sample.archive), WebSettings())


def _cases(html: str) -> list[str]:
    return re.findall(r"Hồ sơ (THA-[0-9-]+)", html)


@pytest.mark.parametrize("q", ["nguyen van trang", "Nguyễn Văn Tráng", "pham thi thu"])
def test_officer_search_page_is_the_same_on_elasticsearch(es_app, web_app, q: str) -> None:
    with TestClient(es_app) as es_client, TestClient(web_app) as sqlite_client:
        assert login(es_client).status_code == 303
        assert login(sqlite_client).status_code == 303
        on_es = es_client.get("/search", params={"q": q})
        on_sqlite = sqlite_client.get("/search", params={"q": q})
    assert on_es.status_code == on_sqlite.status_code == 200
    assert re.search(r"ms · es\b", on_es.text) and re.search(r"ms · sqlite\b", on_sqlite.text)
    assert _cases(on_es.text), q
    assert _cases(on_es.text) == _cases(on_sqlite.text)
