"""Corrections as data: stored in the catalog, laid over extraction and OCR on every write,
found by search, listed in the review queue, moved between archives as JSON Lines, and
never dropped when they stop matching (real catalog, real SQLite index, real extraction)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from web_fixtures import SampleArchive, build_web_archive

from hoso.cli import app
from ingest.catalog import Catalog, PageRow
from ingest.corrections import CorrectionError
from ingest.reextract import reextract_archive
from ingest.review import correct, export_lines, import_lines, mark_done, review_items
from schemas import PageQuality, SearchQuery
from schemas.review import Correction
from search.engine import open_engine

NEW_NAME = "Trần Thị Hồng Nhung"


@pytest.fixture
def sample(tmp_path: Path) -> SampleArchive:
    return build_web_archive(tmp_path / "archive", n_cases=3)


def _names(cat: Catalog, doc_id: str) -> list[tuple[str, str]]:
    doc = cat.document(doc_id)
    assert doc is not None
    return [(p.name, p.role) for p in doc.parties]


def _found(archive: Path, q: str) -> list[str]:
    engine = open_engine(archive, None)
    result = engine.search(SearchQuery(q=q))
    return [h.matched_party.name for g in result.cases for h in g.hits if h.matched_party]


def _fix_party_and_number(cat: Catalog, sample: SampleArchive) -> str:
    case = sample.cases[0]
    correct(
        cat,
        Correction(
            sha256=case.sha256,
            page_no=2,
            target="party",
            field="edit",
            locator={"name": case.debtor},
            after={"name": NEW_NAME, "role": "nguoi_duoc_thi_hanh_an"},
            who="canbo",
        ),
    )
    correct(
        cat,
        Correction(
            sha256=case.sha256,
            page_no=2,
            target="document",
            field="own_number",
            after="777/QĐ-CCTHADS",
            who="canbo",
        ),
    )
    return f"{case.sha256}:2"


def test_a_correction_is_applied_audited_found_and_survives_reextraction(sample):
    archive = sample.archive
    with Catalog(archive) as cat:
        doc_id = _fix_party_and_number(cat, sample)
        assert (NEW_NAME, "nguoi_duoc_thi_hanh_an") in _names(cat, doc_id)
        assert cat.document(doc_id).own_number == "777/QĐ-CCTHADS"
        assert cat.cases_citing("777/QĐ-CCTHADS") == [sample.cases[0].case_id]
        (edit, number) = [c for c in __import__("ingest.corrections").corrections.load(cat.db)]
        assert edit.who == "canbo" and edit.before["name"] == sample.cases[0].debtor
        assert number.before == sample.cases[0].decision_number
    assert NEW_NAME in _found(archive, "tran thi hong nhung")  # the SQLite index, at once

    reextract_archive(archive, force=True)  # `hoso extract --archive --force`
    with Catalog(archive) as cat:
        assert (NEW_NAME, "nguoi_duoc_thi_hanh_an") in _names(cat, doc_id)
        assert cat.document(doc_id).own_number == "777/QĐ-CCTHADS"
        assert {c.status for c in __import__("ingest.corrections").corrections.load(cat.db)} == {
            "applied"
        }
    assert NEW_NAME in _found(archive, "Hồng Nhung")


def test_a_line_correction_survives_the_page_being_read_again(sample):
    case = sample.cases[1]
    with Catalog(sample.archive) as cat:
        (_, text), *_ = cat.page_texts(case.sha256)
        old_line = text.split("\n")[1]
        correct(
            cat,
            Correction(
                sha256=case.sha256,
                page_no=1,
                target="line",
                field="text",
                locator={"line": 1},
                after=old_line.replace("Bản án", "BẢN ÁN SỐ ĐÃ SỬA"),
                who="canbo",
            ),
        )
        # OCR again: the pipeline writes the page with the machine's text
        rec = cat.page_record(case.sha256, 1, with_words=True)
        cat.save_page(
            PageRow(case.sha256, 1, "ocr", text, 90.0, PageQuality(), rec.words, 1240, 1754, 0.1)
        )
        assert "BẢN ÁN SỐ ĐÃ SỬA" in dict(cat.page_texts(case.sha256))[1]
        assert "BẢN ÁN SỐ ĐÃ SỬA" not in text


def test_export_and_import_into_a_fresh_archive_give_the_same_documents(sample, tmp_path):
    with Catalog(sample.archive) as cat:
        doc_id = _fix_party_and_number(cat, sample)
        lines = list(export_lines(cat))
        want = cat.document(doc_id)
    assert len(lines) == 2 and json.loads(lines[0])["case_id"] == sample.cases[0].case_id
    fresh = build_web_archive(tmp_path / "fresh", n_cases=3)
    with Catalog(fresh.archive) as cat:
        assert cat.document(doc_id) != want
        summary = import_lines(cat, lines)
        assert summary == {"read": 2, "added": 2, "skipped": 0, "unmatched": 0}
        assert cat.document(doc_id) == want
        again = import_lines(cat, lines)  # twice: nothing added, same result
        assert again["added"] == 0 and cat.document(doc_id) == want
    assert NEW_NAME in _found(fresh.archive, "tran thi hong nhung")


def test_a_correction_that_no_longer_matches_is_kept_and_shown_for_review(sample):
    case = sample.cases[0]
    with Catalog(sample.archive) as cat:
        doc_id = _fix_party_and_number(cat, sample)
        docs = cat.documents(sha256=case.sha256)
        # extraction now sees pages 2-3 as one document starting on page 1
        merged = docs[0].model_copy(update={"pages": [1, 3]})
        cat.replace_documents(case.sha256, [merged])
        items = review_items(cat, kind="unmatched")
        assert len(items) == 2
        assert all("no document starts on page 2" in i.why for i in items)
        assert all(i.case_id == case.case_id for i in items)
        # the extraction that finds page 2 again brings the corrections back
        cat.replace_documents(case.sha256, docs)
        assert review_items(cat, kind="unmatched") == []
        assert cat.document(doc_id).own_number == "777/QĐ-CCTHADS"
        # a rescan replaces the file's content: the correction stays with the old pages
        cat.add_file("f" * 64, "pdf", 10, f"{case.case_id}/ho-so.pdf", case.case_id)
        (item,) = [i for i in review_items(cat, kind="unmatched") if "number" not in i.what][:1]
        assert "replaced" in item.why and item.case_id == case.case_id


def test_the_queue_lists_misread_and_low_confidence_values_with_filters(sample):
    case, other = sample.cases[0], sample.cases[1]
    with Catalog(sample.archive) as cat:
        assert [i.kind for i in review_items(cat)] == ["rescan"]  # (and kept for later)
        docs = cat.documents(sha256=case.sha256)
        docs[1] = docs[1].model_copy(update={"own_number": "1O0/QĐ-CCTHADS"})  # O for 0
        docs[2] = docs[2].model_copy(update={"date": None})
        cat.replace_documents(case.sha256, docs)
        rec = cat.page_record(other.sha256, 2, with_words=True)
        words = [
            w.model_copy(update={"conf": 31.0}) if other.decision_number in w.text else w
            for w in rec.words or []
        ]
        cat.db.execute(
            "UPDATE pages SET words=? WHERE sha256=? AND page_no=2",
            (
                json.dumps(
                    [[w.text, w.conf, w.left, w.top, w.width, w.height, w.line] for w in words]
                ),
                other.sha256,
            ),
        )
        cat.db.commit()
        # read again (OCR then extraction): what the queue kept for it is worked out anew
        cat.replace_documents(other.sha256, cat.documents(sha256=other.sha256))
        items = review_items(cat)
        kinds = {(i.kind, i.case_id) for i in items}
        assert ("number", case.case_id) in kinds  # misread shape
        assert ("date", case.case_id) in kinds  # missing
        assert ("number", other.case_id) in kinds  # handwritten / very low confidence
        assert ("rescan", case.case_id) in kinds
        hand = next(i for i in items if i.kind == "number" and i.case_id == other.case_id)
        assert "31/100" in hand.why
        assert {i.case_id for i in review_items(cat, case_id=other.case_id)} == {other.case_id}
        assert {i.kind for i in review_items(cat, kind="date")} == {"date"}
        assert review_items(cat, agency="khong co co quan nay") == []
        assert review_items(cat, agency="Thi hành án dân sự quận 5")
        assert review_items(cat, older_than_days=30) == []
        mark_done(cat, [hand.key], "canbo")
        assert hand.key not in {i.key for i in review_items(cat)}
        with pytest.raises(CorrectionError):
            review_items(cat, kind="nonsense")


def test_bad_corrections_are_refused_with_one_sentence(sample):
    case = sample.cases[0]
    with Catalog(sample.archive) as cat:
        for bad, words in [
            (dict(target="document", field="date", after="21/6/2019"), "YYYY-MM-DD"),
            (dict(target="document", field="doc_type", after="thu_tinh"), "unknown document type"),
            (
                dict(
                    target="party",
                    field="edit",
                    locator={"name": "Không Ai"},
                    after={"name": "X", "role": "other"},
                ),
                "no party",
            ),
            (dict(target="party", field="add", after={"name": "X", "role": "vua"}), "unknown role"),
            (dict(target="document", field="bogus", after="x"), "cannot change 'bogus'"),
        ]:
            with pytest.raises(CorrectionError, match=words):
                correct(cat, Correction(sha256=case.sha256, page_no=2, who="canbo", **bad))


def test_a_party_renamed_without_a_role_keeps_its_role(sample):
    case = sample.cases[0]
    with Catalog(sample.archive) as cat:
        role = dict(_names(cat, f"{case.sha256}:2"))[case.debtor]
    r = CliRunner().invoke(
        app,
        ["corrections", "add", f"{case.sha256}:2", "-a", str(sample.archive)]
        + ["--party", case.debtor, "--name", NEW_NAME, "--who", "canbo"],
    )
    assert r.exit_code == 0, r.output
    with Catalog(sample.archive) as cat:
        assert (NEW_NAME, role) in _names(cat, f"{case.sha256}:2")
    r = CliRunner().invoke(
        app,
        ["corrections", "add", f"{case.sha256}:2", "-a", str(sample.archive)]
        + ["--add-party", "--name", "Lý Văn Tư", "--who", "canbo"],
    )
    assert r.exit_code == 2 and "--add-party needs --role" in r.output


def test_cli_review_and_corrections_commands(sample, tmp_path):
    case = sample.cases[0]
    archive = str(sample.archive)
    run = CliRunner().invoke
    doc = f"{case.sha256}:2"
    r = run(
        app,
        [
            "corrections",
            "add",
            doc,
            "-a",
            archive,
            "--party",
            case.debtor,
            "--name",
            NEW_NAME,
            "--role",
            "bi_don",
            "--who",
            "canbo",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["status"] == "applied"
    r = run(
        app,
        [
            "corrections",
            "add",
            doc,
            "-a",
            archive,
            "--field",
            "date",
            "--value",
            "2019-13-45",
            "--who",
            "x",
        ],
    )
    assert r.exit_code != 0 and "Traceback" not in r.output
    r = run(app, ["corrections", "list", "-a", archive])
    assert r.exit_code == 0 and NEW_NAME in r.output and "canbo" in r.output
    out = tmp_path / "corr.jsonl"
    assert run(app, ["corrections", "export", "-a", archive, "--out", str(out)]).exit_code == 0
    fresh = build_web_archive(tmp_path / "fresh", n_cases=3)
    r = run(app, ["corrections", "import", str(out), "-a", str(fresh.archive), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["added"] == 1
    with Catalog(fresh.archive) as cat:
        assert (NEW_NAME, "bi_don") in _names(cat, doc)
    r = run(app, ["review", "list", "-a", archive, "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.output)
    assert body["open"] == len(body["items"]) == body["by_kind"]["rescan"]
    r = run(app, ["review", "count", "-a", archive])
    assert "open\t1" in r.output
    r = run(app, ["review", "list", "-a", archive, "--kind", "bogus"])
    assert r.exit_code == 2 and "unknown kind 'bogus'" in r.output  # bad arguments: 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    r = run(app, ["corrections", "import", str(bad), "-a", archive])
    assert r.exit_code != 0 and "line 1" in r.output


def test_eval_scores_extraction_against_the_corrections(sample):
    case = sample.cases[0]
    base = dict(sha256=case.sha256, page_no=2, who="canbo")
    with Catalog(sample.archive) as cat:
        for c in [
            # confirmed as read (extraction finds it): right
            Correction(**base, target="document", field="own_number", after=case.decision_number),
            # a value the page does not carry: extraction cannot be right
            Correction(**base, target="document", field="issuer", after="Chi cục THADS quận 5"),
            # the name extraction finds, another role: the name right, the party not
            Correction(
                **base,
                target="party",
                field="edit",
                locator={"name": case.debtor},
                after={"name": case.debtor, "role": "bi_don"},
            ),
        ]:
            correct(cat, c)
    r = CliRunner().invoke(app, ["eval", str(sample.archive), "--corrections", "--json"])
    assert r.exit_code == 0, r.output
    report = json.loads(r.output)
    fields = {k: (v["n"], v["right"]) for k, v in report["fields"].items() if v["n"]}
    assert fields == {
        "own_number": (1, 1),
        "issuer": (1, 0),
        "party": (1, 0),
        "party_name": (1, 1),
    }
    assert report["labels"] == 3 and len(report["misses"]) == 2
    empty = build_web_archive(sample.archive.parent / "empty", n_cases=1)
    r = CliRunner().invoke(app, ["eval", str(empty.archive), "--corrections"])
    assert r.exit_code != 0 and "no corrections" in r.output


def test_document_boundaries_are_corrected_and_survive_reextraction(sample):
    case = sample.cases[0]
    base = dict(sha256=case.sha256, page_no=1, target="file", field="boundaries", who="canbo")
    with Catalog(sample.archive) as cat:
        assert [d.pages for d in cat.documents(sha256=case.sha256)] == [[1, 1], [2, 2], [3, 3]]
        cut = correct(cat, Correction(**base, after=[1, 2]))  # pages 2-3 are one document
        assert cut.before == [1, 2, 3] and cut.status == "applied"
        correct(
            cat,
            Correction(
                sha256=case.sha256,
                page_no=2,
                target="document",
                field="issuer",
                after="Chi cục THADS quận 5",
                who="canbo",
            ),
        )
        first = cat.document(f"{case.sha256}:1")
    reextract_archive(sample.archive, force=True)
    with Catalog(sample.archive) as cat:
        docs = cat.documents(sha256=case.sha256)
        assert [d.pages for d in docs] == [[1, 1], [2, 3]]
        assert docs[0].own_number == first.own_number == case.judgment_number
        assert docs[1].issuer == "Chi cục THADS quận 5"
        assert docs[1].own_number == case.decision_number  # extracted again from pages 2-3
        with pytest.raises(CorrectionError, match="rising"):
            correct(cat, Correction(**base, after=[2, 1]))
        bad = correct(cat, Correction(**base, after=[1, 9]))
        assert bad.status == "unmatched" and "3 pages" in (bad.detail or "")
        assert [d.pages for d in cat.documents(sha256=case.sha256)] == [[1, 1], [2, 3]]


def _rescan(cat: Catalog, case_id: str, sha: str, texts: list[str]) -> None:
    """What ingest does with a rescan at the file's path: the new content replaces the old
    (its corrections follow), its pages are written, then its documents are extracted."""
    from ingest.extract import extract_pages

    cat.add_file(sha, "pdf", 10, f"{case_id}/ho-so.pdf", case_id)
    for n, text in enumerate(texts, start=1):
        cat.save_page(PageRow(sha, n, "ocr", text, 90.0, PageQuality(), None, None, None, 0))
    docs = extract_pages(list(enumerate(texts, start=1)))
    cat.replace_documents(sha, docs, extractor="test")


def test_a_correction_follows_its_document_through_a_rescan_or_waits_with_a_reason(sample):
    """A rescan with a page more in front: the decision corrected on page 2 now starts on
    page 3 and the judgment on page 2. The corrections go with the decision (found by its
    first page's text: the rescan lost its number), not to the judgment now on their page.
    A rescan without the decision: they match no document and wait for review, the notice
    now on page 2 untouched."""
    from ingest import corrections

    case, other = sample.cases[0], sample.cases[1]
    decision = f"{case.sha256}:2"
    with Catalog(sample.archive) as cat:
        pages = [t for _, t in cat.page_texts(case.sha256)]
        cover = dict(cat.page_texts(other.sha256))[3]  # a page of another paper in front
        base = dict(sha256=case.sha256, page_no=2, who="canbo")
        correct(cat, Correction(**base, target="document", field="issuer", after="Chi cục X"))
        correct(
            cat,
            Correction(
                **base,
                target="party",
                field="edit",
                locator={"name": case.creditor},
                after={"name": NEW_NAME, "role": "nguoi_duoc_thi_hanh_an"},
            ),
        )
        assert cat.document(decision).issuer == "Chi cục X"

        # scanned again with a page in front, its number misread ("Số: 100QĐ-CCTHADS")
        misread = pages[1].replace(case.decision_number, case.decision_number.replace("/", ""))
        misread = misread.replace("Căn cứ", "Cän cứ")  # another reading of the paper
        _rescan(cat, case.case_id, "e" * 64, [cover, pages[0], misread, pages[2]])
        docs = cat.documents(sha256="e" * 64)
        assert [(d.pages[0], d.doc_type) for d in docs] == [
            (1, "quyet_dinh_chua_co_dieu_kien"),
            (2, "ban_an"),
            (3, "quyet_dinh_thi_hanh_an"),
            (4, "thong_bao"),
        ]
        assert docs[2].own_number is None  # nothing to find it by but its text
        assert docs[2].issuer == "Chi cục X"
        assert NEW_NAME in [p.name for p in docs[2].parties]
        assert docs[1].issuer != "Chi cục X"  # the judgment now on page 2 is left alone
        assert NEW_NAME not in [p.name for p in docs[1].parties]
        moved = corrections.load(cat.db, sha256="e" * 64)
        assert [(c.page_no, c.status) for c in moved] == [(3, "applied"), (3, "applied")]
        assert review_items(cat, kind="unmatched") == []

        # scanned again without the decision: the notice starts on page 2
        _rescan(cat, case.case_id, "d" * 64, [pages[0], pages[2]])
        docs = cat.documents(sha256="d" * 64)
        assert [(d.pages[0], d.doc_type) for d in docs] == [(1, "ban_an"), (2, "thong_bao")]
        assert all(d.issuer != "Chi cục X" for d in docs)
        assert all(NEW_NAME not in [p.name for p in d.parties] for d in docs)
        waiting = review_items(cat, kind="unmatched")
        assert len(waiting) == 2
        assert all(
            "no document like the document that started on page 3 before the rescan" in i.why
            for i in waiting
        )

        # scanned again with the decision twice (a copy), its number lost in both: which one
        # the corrections were made on is the officer's call
        copy = misread.replace("Cän cứ", "Căn cứ")
        _rescan(cat, case.case_id, "c" * 64, [pages[0], misread, copy, pages[2]])
        docs = cat.documents(sha256="c" * 64)
        assert [d.doc_type for d in docs][1:3] == ["quyet_dinh_thi_hanh_an"] * 2
        assert all(d.issuer != "Chi cục X" for d in docs)
        waiting = review_items(cat, kind="unmatched")
        assert len(waiting) == 2
        assert all("several documents like" in i.why and "pages 2, 3" in i.why for i in waiting)


def test_a_cut_into_documents_is_made_on_a_rescan_only_of_the_same_pages(sample):
    """The officer made pages 2-3 one document. A rescan with a page more in front is not
    cut at the old pages (that would join the judgment to the decision): the cut waits for
    review. A rescan of the same pages (read again) is cut as the officer said."""
    case, other = sample.cases[0], sample.cases[1]
    with Catalog(sample.archive) as cat:
        pages = [t for _, t in cat.page_texts(case.sha256)]
        cover = dict(cat.page_texts(other.sha256))[3]
        cut = correct(
            cat,
            Correction(
                sha256=case.sha256,
                page_no=1,
                target="file",
                field="boundaries",
                after=[1, 2],
                who="canbo",
            ),
        )
        assert [d.pages for d in cat.documents(sha256=case.sha256)] == [[1, 1], [2, 3]]

        _rescan(cat, case.case_id, "e" * 64, [cover, *pages])
        assert [d.pages for d in cat.documents(sha256="e" * 64)] == [[1, 1], [2, 2], [3, 3], [4, 4]]
        (waiting,) = review_items(cat, kind="unmatched")
        assert waiting.key == f"unmatched:{cut.uid}"
        assert "cut on a scan of 3 pages, the new scan has 4: cut it again" in waiting.why

        again = [pages[0], pages[1].replace("Căn cứ", "Cän cứ"), pages[2]]  # read again
        _rescan(cat, case.case_id, "d" * 64, again)
        assert [d.pages for d in cat.documents(sha256="d" * 64)] == [[1, 1], [2, 3]]
        assert review_items(cat, kind="unmatched") == []
