"""Helpers of scripts/demo: print a few exported pages; pick demo queries from the truth."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from schemas.normalize import fold


def show_pages(n: int = 3) -> None:
    for line in list(sys.stdin)[:n]:
        r = json.loads(line)
        print(
            f"{r['case_id']}  {r['source_path']}  page {r['page_no']}  {r['method']}"
            f"  confidence={r.get('confidence')}"
        )
        print("    " + r["text"][:300].replace("\n", " / "))


def queries(samples: Path) -> None:
    truth = json.loads((samples / "ground_truth.json").read_text(encoding="utf-8"))
    docs = [d for f in truth["files"].values() for d in f.get("documents", [])]
    debtor = next(
        p["name"] for d in docs for p in d["parties"] if p["role"] == "nguoi_phai_thi_hanh_an"
    )
    judgment = next(d["own_number"] for d in docs if d["doc_type"] == "ban_an")
    print(fold(debtor))
    print(judgment)


if __name__ == "__main__":
    if sys.argv[1] == "pages":
        show_pages()
    else:
        queries(Path(sys.argv[2]))
