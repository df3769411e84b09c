import json
from pathlib import Path

from typer.testing import CliRunner

from hoso.cli import app
from ingest.catalog import Catalog, PageRow
from ingest.extract.version import extractor_version
from schemas import PageQuality

LABELLED = Path(__file__).parent / "data" / "labelled"


def test_extract_json_prints_the_documents_of_each_text_file(tmp_path):
    f = tmp_path / "judgment.txt"
    f.write_text((LABELLED / "001.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(f), "--json"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)
    (doc,) = entry["documents"]
    assert entry["file"] == str(f)
    assert doc["doc_type"] == "ban_an"
    assert doc["own_number"] == "759/2017/LĐ-PT"
    assert doc["date"] == "2017-08-23"
    assert {"name": "Huỳnh Thị C", "role": "nguyen_don"}.items() <= doc["parties"][0].items()
    assert doc["references"][0]["number"] == "109/2017/LĐ-ST"


def test_extract_archive_reextracts_catalogued_pages_without_ocr(tmp_path):
    archive = tmp_path / "archive"
    sha = "b" * 64
    texts = [(LABELLED / f"{n}.txt").read_text(encoding="utf-8") for n in ("009", "020")]
    with Catalog(archive) as catalog:
        catalog.add_file(sha, "pdf", 10, "/scans/ho-so-7/file.pdf", "ho-so-7")
        for i, text in enumerate(texts, start=1):
            catalog.save_page(
                PageRow(sha, i, "ocr", text, 90.0, PageQuality(), None, None, None, 0.0)
            )
        assert catalog.documents(sha256=sha) == []
    result = CliRunner().invoke(app, ["extract", "--archive", str(archive), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["extractor_version"] == extractor_version()
    assert (summary["files"], summary["extracted"], summary["documents"]) == (1, 1, 2)
    with Catalog(archive) as catalog:
        docs = catalog.documents(sha256=sha)
        assert [d.own_number for d in docs] == ["1583/QĐ-CCTHADS", "356/TB-CCTHADS"]
        assert catalog.cases_citing("87/2016/DS-PT") == ["ho-so-7"]
    # this extractor read the file already: nothing to do, until --force
    again = json.loads(_cli("extract", "--archive", str(archive), "--json"))
    assert (again["extracted"], again["up_to_date"], again["documents"]) == (0, 1, 0)
    forced = json.loads(_cli("extract", "--archive", str(archive), "--force", "--json"))
    assert (forced["extracted"], forced["up_to_date"], forced["documents"]) == (1, 0, 2)
    with Catalog(archive) as catalog:  # re-running replaces, never duplicates
        assert len(catalog.documents(sha256=sha)) == 2
        assert catalog.last_run()["command"] == "extract"


def test_extract_archive_redoes_what_another_extractor_version_made(tmp_path):
    """A file extracted by an older hoso (another version recorded, or none: catalogued
    before versions were kept) is extracted again; one this extractor made is left alone."""
    archive = tmp_path / "archive"
    text = (LABELLED / "009.txt").read_text(encoding="utf-8")
    with Catalog(archive) as catalog:
        for sha, made_by in (("d" * 64, "0.0.9+old"), ("e" * 64, None), ("f" * 64, "now")):
            catalog.add_file(sha, "pdf", 10, f"/scans/hs/{sha[0]}.pdf", "hs")
            catalog.save_page(
                PageRow(sha, 1, "ocr", text, 90.0, PageQuality(), None, None, None, 0)
            )
            version = extractor_version() if made_by == "now" else made_by
            catalog.replace_documents(sha, [], extractor=version)
    status = json.loads(_cli("status", "-a", str(archive), "--json"))
    assert status["extraction_outdated"] == 2  # `hoso status` says what is out of date
    summary = json.loads(_cli("extract", "-a", str(archive), "--json"))
    assert (summary["files"], summary["extracted"], summary["up_to_date"]) == (3, 2, 1)
    assert json.loads(_cli("status", "-a", str(archive), "--json"))["extraction_outdated"] == 0
    with Catalog(archive) as catalog:
        assert catalog.documents(sha256="d" * 64) and catalog.documents(sha256="e" * 64)
        assert catalog.documents(sha256="f" * 64) == []  # left alone
        assert {v for _, v in catalog.extraction_states()} == {extractor_version()}
    r = CliRunner().invoke(app, ["extract", "x.txt", "--force"])
    assert r.exit_code == 2 and "takes no FILES" in r.output


def _cli(*args: str) -> str:
    r = CliRunner().invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.output


def test_extract_of_a_missing_file_fails_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "nope.pdf")])
    assert result.exit_code != 0
    assert "no such file" in result.output


def test_extract_archive_carries_typed_dates_and_representatives_to_both_indexes(tmp_path):
    """An archive catalogued before typed dates (plain ISO strings, `represents` one name)
    is re-extracted without OCR; catalog, export, SQLite and Elasticsearch get the new fields."""
    import os
    import uuid

    from schemas import SearchQuery
    from search.engine import open_engine
    from search.es_backend import EsBackend
    from search.query import plan

    es_url = os.environ.get("HOSO_TEST_ES_URL", "http://127.0.0.1:9200")
    alias = f"hoso-test-{uuid.uuid4().hex[:8]}"
    archive = tmp_path / "archive"
    sha = "c" * 64
    with Catalog(archive) as catalog:
        catalog.add_file(sha, "pdf", 10, "/scans/ho-so-9/ban-an.pdf", "ho-so-9")
        text = (LABELLED / "001.txt").read_text(encoding="utf-8")
        catalog.save_page(PageRow(sha, 1, "ocr", text, 90.0, PageQuality(), None, None, None, 0.0))
        old = {"pages": [1, 1], "date": "2017-08-23", "dates": ["2017-08-23", "2017-05-15"]}
        old["parties"] = [{"name": "Trần Văn T1", "role": "other", "represents": "Công ty X"}]
        catalog.db.execute(
            "INSERT INTO documents VALUES (?, ?, 1, 1, 'ban_an', NULL, NULL, ?, NULL, ?, 0)",
            (f"{sha}:1", sha, "2017-08-23", json.dumps(old)),
        )
        catalog.db.commit()
        (before,) = catalog.documents(sha256=sha)  # the old form still loads
        assert before.parties[0].represents == ["Công ty X"]
    result = CliRunner().invoke(
        app,
        ["extract", "--archive", str(archive), "--es-url", es_url],
        env={"HOSO_ES_INDEX": alias},
    )
    assert result.exit_code == 0, result.output
    es = EsBackend(es_url, alias=alias)
    try:
        es.refresh()
        with Catalog(archive) as catalog:
            (doc,) = catalog.documents(sha256=sha)
        kinds = {(d.date, d.kind) for d in doc.dates}
        assert {("2017-08-23", "document"), ("2017-08-23", "hearing")} <= kinds
        assert ("2017-05-15", "cited") in kinds
        company = "Công ty TNHH MTV Dịch vụ Bảo vệ Long Hải"
        for engine_args in ((archive,), (archive, es_url)):
            with open_engine(*engine_args, es_alias_name=alias) as engine:
                res = engine.search(SearchQuery(q="Trần Văn T1", year_from=2017, year_to=2017))
                hit = res.cases[0].hits[0]
                assert (hit.case_id, hit.doc_date) == ("ho-so-9", "2017-08-23")
                assert hit.matched_party is not None
                assert hit.matched_party.represents == [company]
                query = SearchQuery(q="Trần Văn T1")
                record = engine.index.candidates(plan(query), query, 5)[0]
                assert {"date": "2017-05-15", "kind": "cited"} in record["dates"]
    finally:
        es.drop()
        es.close()
    out = CliRunner().invoke(app, ["export", "--archive", str(archive), "--documents"])
    (line,) = out.output.splitlines()
    exported = json.loads(line)
    assert {"date": "2017-05-15", "kind": "cited"} in exported["dates"]
    assert exported["parties"][2]["represents"] == [company]


def test_an_elasticsearch_index_of_an_older_mapping_takes_the_new_fields(tmp_path):
    """An index made before typed dates and `represents` existed is not rebuilt first: the
    new fields are added to its mapping and pages carrying them are indexed."""
    import copy
    import os
    import uuid

    from schemas import DateRef, IndexPage, Party
    from search.es_backend import EsBackend, index_body

    es_url = os.environ.get("HOSO_TEST_ES_URL", "http://127.0.0.1:9200")
    alias = f"hoso-test-{uuid.uuid4().hex[:8]}"
    backend = EsBackend(es_url, alias=alias)
    try:
        old = copy.deepcopy(index_body())
        props = old["mappings"]["properties"]
        del props["dates"]
        del props["parties"]["properties"]["represents"]
        backend.es.indices.create(
            index=f"{alias}-v1", settings=old["settings"], mappings=old["mappings"]
        )
        backend.es.indices.put_alias(index=f"{alias}-v1", name=alias)
        page = IndexPage(
            sha256="d" * 64,
            page_no=1,
            case_id="ho-so-1",
            text="Người đại diện: Ông Trần Văn T1",
            doc_date="2017-08-23",
            dates=[DateRef(date="2017-08-23", kind="document")],
            parties=[Party(name="Trần Văn T1", role="other", represents=["Công ty X"])],
        )
        assert backend.upsert([page], refresh=True) == 1
        assert backend.page_ids() == {page.page_id}
    finally:
        backend.drop()
        backend.close()


def test_a_later_successful_extract_forgets_the_extraction_failure_of_an_earlier_run(
    tmp_path, monkeypatch
):
    """`hoso extract --archive` that fails on a file records it; the next run that extracts
    the file clears that record (`hoso status --files` shows the file as fine), while a
    failure of another kind on the same file (a page OCR could not read) stays."""
    import ingest.reextract

    archive = tmp_path / "archive"
    sha, path = "a" * 64, "/scans/ho-so-3/file.pdf"
    with Catalog(archive) as catalog:
        catalog.add_file(sha, "pdf", 10, path, "ho-so-3")
        text = (LABELLED / "009.txt").read_text(encoding="utf-8")
        catalog.save_page(PageRow(sha, 1, "ocr", text, 90.0, PageQuality(), None, None, None, 0))
        catalog.record_failure(None, path, "tesseract: page 2 unreadable", sha256=sha, page_no=2)
        catalog.set_file_status(sha, "partial", "page(s) 2 failed: tesseract: page 2 unreadable")

    def broken(pages: object) -> object:
        raise ValueError("a bug in one rule")

    monkeypatch.setattr(ingest.reextract, "extract_pages", broken)
    failed = json.loads(_cli("extract", "-a", str(archive), "--json"))
    assert (failed["extracted"], len(failed["failures"])) == (0, 1)
    assert _failures(archive) == [
        "extraction failed (ValueError: a bug in one rule); the old documents are kept",
        "tesseract: page 2 unreadable",
    ]
    monkeypatch.undo()

    fixed = json.loads(_cli("extract", "-a", str(archive), "--json"))
    assert (fixed["extracted"], fixed["failures"]) == (1, [])
    assert _failures(archive) == ["tesseract: page 2 unreadable"]  # not hidden with it
    shown = _cli("status", "-a", str(archive), "--files").splitlines()
    assert [line for line in shown if line.startswith("FAILED")] == [
        "FAILED /scans/ho-so-3/file.pdf page 2: tesseract: page 2 unreadable"
    ]


def _failures(archive: Path) -> list[str]:
    return [
        f["reason"] for f in json.loads(_cli("status", "-a", str(archive), "--json"))["failures"]
    ]


def test_the_busy_message_names_the_command_that_holds_the_archive(tmp_path):
    """`hoso extract --archive` holds the archive lock as itself: an ingest started meanwhile
    is refused naming it (not "another `hoso ingest`"), and `hoso status` shows it running;
    an extract that waits names the command it waits for."""
    import os
    import threading

    from ingest.lock import ArchiveLock, holder
    from ingest.reextract import reextract_archive
    from schemas.errors import ExitCode

    archive, scans = tmp_path / "archive", tmp_path / "scans"
    (scans / "HS-1").mkdir(parents=True)
    with Catalog(archive) as catalog:
        catalog.add_file("9" * 64, "pdf", 10, "/scans/hs/9.pdf", "hs")
        text = (LABELLED / "009.txt").read_text(encoding="utf-8")
        catalog.save_page(
            PageRow("9" * 64, 1, "ocr", text, 90.0, PageQuality(), None, None, None, 0)
        )
    me = f"`hoso extract --archive` (pid {os.getpid()})"
    seen: list[str] = []

    def during_the_extract(done: int, total: int) -> None:
        seen.append(str(holder(archive)))
        refused = CliRunner().invoke(app, ["ingest", str(scans), "--archive", str(archive)])
        seen.append(" ".join(refused.output.split()))
        assert refused.exit_code == ExitCode.BUSY, refused.output
        seen.append(" ".join(_cli("status", "-a", str(archive)).split()))

    assert reextract_archive(archive, progress=during_the_extract).extracted == 1
    assert seen[0] == me
    assert f"{me} is working on the archive {archive}; this `hoso ingest` stops" in seen[1]
    assert "another `hoso ingest`" not in seen[1]
    assert f"running now │ {me}" in seen[2]
    assert holder(archive) is None

    told: list[str] = []
    waiting = threading.Event()
    with ArchiveLock(archive, "hoso watch"):  # a `hoso watch` batch at work
        extract = threading.Thread(
            target=reextract_archive,
            args=(archive,),
            kwargs={"force": True, "on_wait": lambda msg: (told.append(msg), waiting.set())},
        )
        extract.start()
        assert waiting.wait(timeout=120), "the extract did not wait for the lock"
    extract.join(timeout=120)
    assert not extract.is_alive(), "the extract did not finish after the lock was released"
    assert told == [
        f"`hoso watch` (pid {os.getpid()}) is working on the archive {archive}: "
        "this `hoso extract --archive` is waiting for it to finish…"
    ]
