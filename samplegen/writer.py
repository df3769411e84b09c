"""Write the archive: case folders of scanned files, `manifest.csv` and `ground_truth.json`."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from samplegen.degrade import DPI_FOR, degrade_ex, rotate_quarter
from samplegen.documents import CaseDocs, Doc, make_cases
from samplegen.legacy import tcvn3_as_latin1, with_oi
from samplegen.names import TONE_PAIRS
from samplegen.pdfs import image_pdf, overlay_pdf, text_pdf
from samplegen.render import (
    MM,
    PAGE_W,
    PageLayout,
    Placed,
    layout,
    render_layout,
    text_width,
)

TRUTH_FILE = "ground_truth.json"
MANIFEST_FILE = "manifest.csv"
FORMAT_EXT = {"pdf": "pdf", "tiff": "tif", "jpeg": "jpg", "png": "png"}
SLUG = {
    "ban_an": "ban-an",
    "quyet_dinh_thi_hanh_an": "qd-thi-hanh-an",
    "thong_bao": "thong-bao",
    "bien_ban": "bb-xac-minh",
    "quyet_dinh_chua_co_dieu_kien": "qd-chua-co-dk",
    "quyet_dinh_cuong_che": "qd-cuong-che",
}


@dataclass
class FilePlan:
    case_id: str
    docs: list[Doc]
    layouts: list[list[PageLayout]]  # per doc
    fmt: str = "pdf"
    quality: str = "office"
    kind: str = "scan"  # scan | text_layer | legacy_tcvn3 | legacy_oi
    rotations: dict[int, int] = field(default_factory=dict)  # page index → degrees clockwise
    name: str = ""
    but_luc: int | None = None  # archive sheet number (bút lục) of the first page, if any

    @property
    def n_pages(self) -> int:
        return sum(len(x) for x in self.layouts)


@dataclass
class Manifest:
    """What `generate` wrote. `truth` is the parsed ground_truth.json."""

    out_dir: Path
    files: list[str]  # relative paths
    cases: list[str]
    n_pages: int
    truth: dict[str, Any]

    @property
    def truth_path(self) -> Path:
        return self.out_dir / TRUTH_FILE

    @property
    def manifest_path(self) -> Path:
        return self.out_dir / MANIFEST_FILE


def _plan_files(cases: list[CaseDocs], rng: random.Random, quick: bool) -> list[FilePlan]:
    plans: list[FilePlan] = []
    n = len(cases)
    specials: dict[tuple[int, int], str] = {}
    # Born-digital and legacy text layers, one each, on single-page documents.
    specials[(1 % n, 1)] = "text_layer"  # the enforcement decision of case 2
    specials[(2 % n, len(cases[2 % n].docs) - 1)] = "legacy_tcvn3"
    if not quick and n >= 4:
        specials[(3, 2)] = "legacy_oi"
    for ci, case in enumerate(cases):
        group: list[Doc] = []
        for di, doc in enumerate(case.docs):
            kind = specials.get((ci, di))
            if kind:
                if group:
                    plans.append(FilePlan(case.case_id, group, [layout(d.blocks) for d in group]))
                    group = []
                plans.append(
                    FilePlan(case.case_id, [doc], [layout(doc.blocks)], "pdf", "digital", kind)
                )
                continue
            if group and rng.random() < 0.55:
                plans.append(FilePlan(case.case_id, group, [layout(d.blocks) for d in group]))
                group = []
            group.append(doc)
        if group:
            plans.append(FilePlan(case.case_id, group, [layout(d.blocks) for d in group]))
    # Formats and qualities for the scans: cycles shuffled once, so every kind appears.
    scans = [p for p in plans if p.kind == "scan"]
    qualities = ["clean", "office", "poor", "office", "clean", "office", "poor", "office"]
    singles = ["jpeg", "png", "tiff", "pdf", "jpeg", "pdf"]
    multis = ["pdf", "tiff", "pdf"]
    si = mi = 0
    for qi, p in enumerate(scans):
        p.quality = qualities[qi % len(qualities)]
        if p.n_pages == 1:
            p.fmt = singles[si % len(singles)]
            si += 1
        else:
            p.fmt = multis[mi % len(multis)]
            mi += 1
    # Orientation: one single-page scan lies at 90°, and (full mode) one page of a
    # multi-page file is upside down.
    single = next((p for p in scans if p.n_pages == 1 and p.fmt == "jpeg"), None)
    if single is not None:
        single.rotations[0] = 90
        single.quality = "office"
    if not quick:
        multi = next((p for p in reversed(scans) if p.n_pages > 1 and p.quality != "poor"), None)
        if multi is not None:
            multi.rotations[multi.n_pages - 1] = 180
    # Archived cases carry hand-numbered sheets (bút lục) in the top-right corner.
    archived = {c.case_id for i, c in enumerate(cases) if i % 2 == 1}
    sheet: dict[str, int] = {}
    for p in plans:
        if p.kind == "scan" and p.case_id in archived:
            p.but_luc = sheet.get(p.case_id, 0) + 1
            sheet[p.case_id] = p.but_luc + p.n_pages - 1
    # File names, numbered within each case folder.
    counters: dict[str, int] = {}
    for p in plans:
        k = counters[p.case_id] = counters.get(p.case_id, 0) + 1
        slug = "+".join(SLUG.get(d.doc_type, "tai-lieu") for d in p.docs)
        p.name = f"{p.case_id}/{k:02d}_{slug}.{FORMAT_EXT[p.fmt]}"
    return plans


def _with_sheet_number(pl: PageLayout, n: int) -> PageLayout:
    """The page with its bút lục number written in the top-right corner."""
    text = str(n)
    x = PAGE_W - 18 * MM - text_width(text, "italic", 15)
    return PageLayout([Placed(text, x, 12 * MM, "italic", 15), *pl.items])


def _seed_for(seed: int, name: str, page: int) -> np.random.Generator:
    h = hashlib.sha256(f"{seed}:{name}:{page}".encode()).digest()
    return np.random.default_rng(int.from_bytes(h[:8], "little"))


def _save_images(path: Path, fmt: str, quality: str, imgs: list[np.ndarray], dpi: int) -> None:
    if fmt == "pdf":
        pages = []
        for im in imgs:
            ok, buf = cv2.imencode(".jpg", im, [cv2.IMWRITE_JPEG_QUALITY, 85])
            assert ok
            pages.append((buf.tobytes(), im.shape[1], im.shape[0]))
        image_pdf(path, pages)
        return
    pil = [Image.fromarray(im) for im in imgs]
    if fmt == "tiff":
        comp = "tiff_deflate" if quality == "clean" else "jpeg"
        extra: dict[str, Any] = {"quality": 85} if comp == "jpeg" else {}
        pil[0].save(
            path, save_all=True, append_images=pil[1:], compression=comp, dpi=(dpi, dpi), **extra
        )
    elif fmt == "jpeg":
        pil[0].save(path, quality=85, dpi=(dpi, dpi))
    elif fmt == "png":
        pil[0].save(path, compress_level=6 if quality == "clean" else 1, dpi=(dpi, dpi))
    else:
        raise ValueError(fmt)


def _write_file(out: Path, p: FilePlan, seed: int) -> dict[str, Any]:
    path = out / p.name
    path.parent.mkdir(parents=True, exist_ok=True)
    flat = [pl for doc_pages in p.layouts for pl in doc_pages]
    dpi = 300 if p.kind != "scan" else DPI_FOR[p.quality]
    pages: list[dict[str, Any]] = []
    if p.kind == "scan":
        imgs = []
        for i, pl in enumerate(flat):
            if p.but_luc is not None:
                pl = _with_sheet_number(pl, p.but_luc + i)
            img, info = degrade_ex(render_layout(pl, dpi), p.quality, _seed_for(seed, p.name, i))
            rot = p.rotations.get(i, 0)
            if rot:
                img = rotate_quarter(img, rot)
            imgs.append(img)
            pages.append(_page_truth(i, pl, dpi, img.shape, p.quality, info["skew_deg"], rot))
            pages[-1]["but_luc"] = None if p.but_luc is None else p.but_luc + i
        _save_images(path, p.fmt, p.quality, imgs, dpi)
    elif p.kind == "text_layer":
        text_pdf(path, flat, p.docs[0].title)
        for i, pl in enumerate(flat):
            pages.append(_page_truth(i, pl, None, None, "digital", 0.0, 0))
            pages[-1]["text_layer"] = pages[-1]["text"]
    else:
        conv = tcvn3_as_latin1 if p.kind == "legacy_tcvn3" else with_oi
        imgs = [render_layout(pl, 200) for pl in flat]
        layers = [[conv(it.text) for it in pl.items] for pl in flat]
        font = "Helvetica" if p.kind == "legacy_tcvn3" else "ttf"
        overlay_pdf(path, imgs, flat, layers, font, p.docs[0].title)
        for i, pl in enumerate(flat):
            pages.append(_page_truth(i, pl, 200, None, "digital", 0.0, 0))
            pages[-1]["text_layer"] = "\n".join(pl.mapped_lines(conv))
    docs, first = [], 1
    for doc, doc_pages in zip(p.docs, p.layouts, strict=True):
        t = dict(doc.truth)
        t["pages"] = [first, first + len(doc_pages) - 1]
        t["case_id"] = p.case_id
        first += len(doc_pages)
        docs.append(t)
    return {
        "case_id": p.case_id,
        "format": p.fmt,
        "kind": p.kind,
        "text_layer_encoding": {
            "scan": None,
            "text_layer": "unicode",
            "legacy_tcvn3": "tcvn3-as-latin1",
            "legacy_oi": "oi-for-u-horn",
        }[p.kind],
        "quality": p.quality,
        "dpi": dpi,
        "n_pages": len(flat),
        "pages": pages,
        "documents": docs,
    }


def _page_truth(
    i: int,
    pl: PageLayout,
    dpi: int | None,
    shape: tuple[int, ...] | None,
    quality: str,
    skew: float,
    rot: int,
) -> dict[str, Any]:
    return {
        "page_no": i + 1,
        "text": unicodedata.normalize("NFC", pl.text),
        "dpi": dpi,
        "width": shape[1] if shape else None,
        "height": shape[0] if shape else None,
        "quality": quality,
        "skew_deg": skew,
        "rotation_deg": rot,
    }


def _people_index(cases: list[CaseDocs]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for c in cases:
        for name, role in c.people:
            e = seen.setdefault(name, {"name": name, "cases": [], "roles": []})
            if c.case_id not in e["cases"]:
                e["cases"].append(c.case_id)
            if role not in e["roles"]:
                e["roles"].append(role)
    return sorted(seen.values(), key=lambda e: e["name"])


def generate(
    out_dir: Path,
    *,
    seed: int = 7,
    n_cases: int | None = None,
    quick: bool = False,
    clean: bool = True,
) -> Manifest:
    """Write a synthetic THADS archive to `out_dir` and return its manifest.

    `n_cases`: default 6 (about 36 pages), or 3 with `quick` (three documents per case,
    about 12 pages). `clean`: remove an existing archive written by this generator first
    (a non-empty folder without ground_truth.json is refused).
    """
    out = Path(out_dir)
    if n_cases is None:
        n_cases = 3 if quick else 6
    if n_cases < 1:
        raise ValueError("n_cases must be at least 1")
    if out.exists() and any(out.iterdir()):
        if not (out / TRUTH_FILE).exists():
            raise FileExistsError(f"{out} is not empty and holds no {TRUTH_FILE}")
        if clean:
            shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    cases = make_cases(seed, n_cases, quick)
    plans = _plan_files(cases, random.Random(f"files:{seed}"), quick)
    files: dict[str, Any] = {}
    for p in plans:
        files[p.name] = _write_file(out, p, seed)
    people = _people_index(cases)
    names = {e["name"] for e in people}
    truth = {
        "generator": "hoso samplegen",
        "format_version": 1,
        "seed": seed,
        "quick": quick,
        "cases": {
            c.case_id: {
                "province": c.province,
                "files": [p.name for p in plans if p.case_id == c.case_id],
            }
            for c in cases
        },
        "files": files,
        "people": people,
        "recurring_people": [e for e in people if len(e["cases"]) > 1],
        "tone_pairs": [[a, b] for (a, _), (b, _) in TONE_PAIRS if a in names and b in names],
    }
    (out / TRUTH_FILE).write_text(
        json.dumps(truth, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["path", "case_id"])
    for p in plans:
        w.writerow([p.name, p.case_id])
    (out / MANIFEST_FILE).write_text(buf.getvalue(), encoding="utf-8")
    return Manifest(
        out_dir=out,
        files=[p.name for p in plans],
        cases=[c.case_id for c in cases],
        n_pages=sum(p.n_pages for p in plans),
        truth=truth,
    )
