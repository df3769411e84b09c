"""Scan degradations, seeded: `clean`, `office`, `poor` (docs/ocr.md §1).

- clean: untouched render (300 dpi);
- office: 0.5–2° skew, Gaussian blur σ≈0.7, Gaussian noise σ≈5, JPEG q60 round trip;
- poor: 2–4° skew, strong uneven lighting (linear gradient + vignette), low contrast,
  heavier noise (σ≈10), slight blur, JPEG q70 round trip; meant for 200 dpi renders.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

QUALITIES = ("clean", "office", "poor")
DPI_FOR = {"clean": 300, "office": 300, "poor": 200}


def _rotate(img: np.ndarray, angle: float, border: int) -> np.ndarray:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )


def _jpeg(img: np.ndarray, q: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, q])
    assert ok
    out = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    assert out is not None
    return out


def degrade_ex(
    img: np.ndarray, quality: str, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, Any]]:
    """Degrade a uint8 grey page; returns the page and the parameters used."""
    if quality == "clean":
        return img.copy(), {"skew_deg": 0.0}
    sign = 1 if rng.random() < 0.5 else -1
    f: np.ndarray = img.astype(np.float32)
    h, w = img.shape
    if quality == "office":
        angle = float(sign * rng.uniform(0.5, 2.0))
        f = _rotate(f, angle, 250)
        f = cv2.GaussianBlur(f, (0, 0), 0.7)
        f = f * 0.97 + 4
        f += rng.normal(0, 5.0, f.shape).astype(np.float32)
        out = _jpeg(np.clip(f, 0, 255).astype(np.uint8), 60)
        return out, {"skew_deg": round(angle, 3)}
    if quality == "poor":
        angle = float(sign * rng.uniform(2.0, 4.0))
        f = _rotate(f, angle, 235)
        f = cv2.GaussianBlur(f, (0, 0), 0.8)
        # Low contrast: ink lifted, paper dimmed.
        f = 70 + f * (175 / 255)
        # Uneven light: a linear gradient in a random direction times a vignette.
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        theta = rng.uniform(0, 2 * np.pi)
        g = (np.cos(theta) * (xx / w - 0.5) + np.sin(theta) * (yy / h - 0.5)) + 0.5
        light = 1.0 - rng.uniform(0.35, 0.5) * np.clip(g, 0, 1)
        cx, cy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
        r2 = ((xx - cx) / w) ** 2 + ((yy - cy) / h) ** 2
        light *= 1.0 - 0.35 * np.clip(r2 / 0.5, 0, 1)
        f = f * light
        f += rng.normal(0, 10.0, f.shape).astype(np.float32)
        out = _jpeg(np.clip(f, 0, 255).astype(np.uint8), 70)
        return out, {"skew_deg": round(angle, 3)}
    raise ValueError(f"unknown quality {quality!r}; expected one of {QUALITIES}")


def degrade(img: np.ndarray, quality: str, rng: np.random.Generator) -> np.ndarray:
    """Degrade a uint8 grey page to `quality` ("clean" | "office" | "poor")."""
    return degrade_ex(img, quality, rng)[0]


def rotate_quarter(img: np.ndarray, degrees: int) -> np.ndarray:
    """Rotate clockwise by 90/180/270 (the page as it lies on a mis-fed scanner)."""
    k = {0: 0, 90: -1, 180: 2, 270: 1}[degrees % 360]
    return np.ascontiguousarray(np.rot90(img, k))
