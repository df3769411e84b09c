"""Extraction against samplegen's ground truth: labels written by another author."""

from ingest.extract import extract_pages
from samplegen import layout, make_cases
from samplegen.evaluate import FIELDS, Report, predicted_fields, score_one


def test_generated_case_files_are_segmented_and_read_as_their_truth_says():
    report = Report()
    for case in make_cases(23, 20, False):
        pages: list[str] = []
        bounds: list[list[int]] = []
        for doc in case.docs:
            texts = [p.text for p in layout(list(doc.blocks))]
            bounds.append([len(pages) + 1, len(pages) + len(texts)])
            pages += texts
            label = {k: doc.truth[k] for k in FIELDS if k in doc.truth}
            got = extract_pages([(i + 1, t) for i, t in enumerate(texts)])
            score_one(report, case.case_id, label, predicted_fields(got))
        # The whole case scanned as one file splits back into its documents.
        whole = extract_pages([(i + 1, t) for i, t in enumerate(pages)])
        assert [d.pages for d in whole] == bounds, case.case_id
    f1 = {name: s.f1 for name, s in report.fields.items()}
    assert f1["doc_type"] == 1.0 and f1["own_number"] == 1.0, report.errors
    assert f1["numbers"] >= 0.97, report.errors  # contract numbers are ours, not its truth
    assert f1["dates"] >= 0.97, report.errors
    assert f1["parties"] >= 0.95, report.errors
    assert f1["issuer"] >= 0.95, report.errors
