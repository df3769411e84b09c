"""The page step runs unchanged on a real Dask distributed cluster (here: a local one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from ingest.catalog import Catalog
from ingest.executor import DaskExecutor, LocalExecutor
from ingest.pipeline import IngestOptions, run_ingest

LINES = [
    ["QUYẾT ĐỊNH THI HÀNH ÁN", "Số: 129/QĐ-CCTHADS", "Ông Nguyễn Văn Tráng, sinh năm 1965"],
    ["BẢN ÁN SỐ 12/2020/DS-ST", "Bị đơn: Bà Trần Thị Thủy", "Số tiền 125.000.000 đồng"],
]


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from samplegen import render_page

    root = tmp_path_factory.mktemp("dask") / "scans"
    for i, lines in enumerate(LINES):
        case = root / f"HS-DASK-{i}"
        case.mkdir(parents=True)
        Image.fromarray(render_page(lines, dpi=300)).save(case / "page.png")
    return root


def _texts(archive: Path) -> list[tuple[str, int, str]]:
    with Catalog(archive) as cat:
        return [(p.case_id, p.page_no, p.text) for p in cat.pages()]


@pytest.mark.slow
def test_dask_cluster_gives_the_same_catalog_as_the_local_pool(scans: Path, tmp_path: Path):
    from dask.distributed import Client, LocalCluster

    local = LocalExecutor(workers=2)
    try:
        run_ingest([scans], tmp_path / "local", IngestOptions(), executor=local)
    finally:
        local.close()
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        dask = DaskExecutor(client)
        assert dask.workers == 2
        summary = run_ingest([scans], tmp_path / "dask", IngestOptions(), executor=dask)
    assert summary.pages_done == len(LINES) and summary.ok
    assert _texts(tmp_path / "dask") == _texts(tmp_path / "local")
    assert any("129/QĐ-CCTHADS" in t for _, _, t in _texts(tmp_path / "dask"))
