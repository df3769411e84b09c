"""Synthetic THADS case-file archive generator (scans + ground truth) for tests and demos.

Public API
- `generate(out_dir, *, seed=7, n_cases=None, quick=False) -> Manifest`: write the archive:
  `OUT/<case_id>/NN_<slug>.{pdf,tif,jpg,png}`, `OUT/manifest.csv` (path,case_id) and
  `OUT/ground_truth.json` (format below). Same seed ⇒ byte-identical files.
- `make_cases(seed, n_cases, quick) -> list[CaseDocs]`: the documents' text and truth
  without writing anything (`CaseDocs.docs[i].blocks` / `.truth`).
- `layout(blocks) -> list[PageLayout]`; `PageLayout.text` is the exact text drawn.
- `render_page(lines, dpi=300) -> np.ndarray`: uint8 grey A4 page in Liberation Serif 12 pt;
  `lines` are strings (left-aligned) or `Line`/`Para`/`Row`/`Space` blocks.
- `render_layout(page, dpi) -> np.ndarray`; pages carry a drawn signature and stamp
  (`Mark` blocks: no text, not in the truth).
- `degrade(img, quality, rng) -> np.ndarray` with quality "clean" | "office" | "poor"
  (`degrade_ex` also returns the skew applied); `rotate_quarter(img, 90|180|270)`.
- `tcvn3_as_latin1(text)`, `with_oi(text)`: the legacy text-layer garbles.

ground_truth.json
    {"generator", "format_version": 1, "seed", "quick",
     "cases": {case_id: {"province", "files": [rel paths]}},
     "files": {rel_path: {
        "case_id", "format": "pdf"|"tiff"|"jpeg"|"png",
        "kind": "scan"|"text_layer"|"legacy_tcvn3"|"legacy_oi",
        "text_layer_encoding": null|"unicode"|"tcvn3-as-latin1"|"oi-for-u-horn",
        "quality": "clean"|"office"|"poor"|"digital", "dpi", "n_pages",
        "pages": [{"page_no", "text" (NFC, lines joined by "\\n"), "dpi", "width", "height",
                   "quality", "skew_deg", "rotation_deg" (clockwise; undo by rotating back),
                   "but_luc" (archive sheet number written top right, also the first line
                   of "text"; scans of every second case only, else null),
                   "text_layer" (only for PDFs with a text layer: the extractable text)}],
        "documents": [{"doc_type", "title", "pages": [first, last], "own_number", "date",
                       "numbers": [as written], "numbers_detail": [{"text", "kind"}],
                       "dates": [{"date", "kind"}], "issuer", "parties": [{"name", "role",
                       "honorific", "birth_year", "id_number", "address", "is_organization",
                       "represents": [names]}],
                       "amounts_vnd": [int], "references": [{"number", "date", "issuer",
                       "kind"}], "officials": [{"name", "title"}], "case_id"}]}},
     "people": [{"name", "cases", "roles"}], "recurring_people": [...],
     "tone_pairs": [[name, name]]}
"people" is keyed by name: random names are unique across an archive, so a name seen in
two cases is the same person on purpose (one shared debtor; banks are creditors of several
cases); "tone_pairs" are different people whose names differ only by a tone mark.
Roles and doc types are those of `schemas.vocab`. Page "text" is one line per printed line;
the two columns of a header/footer row come one after the other, left column first ("CỤC
THADS", "TỈNH NGHỆ AN", …, then "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", …), as the labelled set
and the real-scan truths are written.
"""

from samplegen.degrade import QUALITIES, degrade, degrade_ex, rotate_quarter
from samplegen.documents import CaseDocs, Doc, make_cases
from samplegen.legacy import tcvn3_as_latin1, tcvn3_latin1_to_unicode, with_oi
from samplegen.render import Line, PageLayout, Para, Row, Space, layout, render_layout, render_page
from samplegen.writer import MANIFEST_FILE, TRUTH_FILE, Manifest, generate

__all__ = [
    "MANIFEST_FILE",
    "QUALITIES",
    "TRUTH_FILE",
    "CaseDocs",
    "Doc",
    "Line",
    "Manifest",
    "PageLayout",
    "Para",
    "Row",
    "Space",
    "degrade",
    "degrade_ex",
    "generate",
    "layout",
    "make_cases",
    "render_layout",
    "render_page",
    "rotate_quarter",
    "tcvn3_as_latin1",
    "tcvn3_latin1_to_unicode",
    "with_oi",
]
