"""Reading pages with Tesseract and making sense of what it read.

`ocr_page` runs one recognition per page through `ingest.engine` (the one module that talks
to Tesseract, in-process) and turns its TSV into words (boxes, confidences, running line
numbers) and reading-order text (`parse_tsv`); the searchable PDF's invisible text is built
from those words by `ingest.pdfout.searchable_page`. Tesseract reads the cleaned page (seals
and signatures removed); the archive keeps the page as scanned. Words and text go through
`schemas.normalize.repair` (Ð→Đ, ƣ→ư, ⁄→/) and the misread fixes below. A timeout or a failure
is `OcrError` with one line.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np

from ingest import engine
from ingest.correct import fix_tones
from ingest.engine import check_tesseract
from schemas import Word
from schemas.errors import OcrError
from schemas.normalize import ACUTE, DOT_BELOW, TONE_MARKS, repair

__all__ = ["OcrOutput", "check_tesseract", "ocr_page", "ocr_number", "parse_tsv"]


@dataclass
class OcrOutput:
    text: str
    words: list[Word]
    mean_conf: float | None
    seconds: float = 0.0


def ocr_page(
    image: np.ndarray,
    *,
    dpi: int = 300,
    lang: str = "vie",
    psm: int = 3,
    timeout_s: float = 180.0,
    page_no: int = 1,
) -> OcrOutput:
    """OCR one clean grey page: words, reading-order text and mean confidence."""
    tsv = engine.recognize(image, dpi=dpi, lang=lang, psm=psm, timeout_s=timeout_s,
                           page_no=page_no)  # fmt: skip
    words, text = parse_tsv(tsv)
    confs = [w.conf for w in words]
    mean_conf = round(float(np.mean(confs)), 1) if confs else None
    return OcrOutput(text=text, words=words, mean_conf=mean_conf)


# `ocr_number`: a sheet number read alone must be this sure (a misread digit in the page's
# first line misleads people looking for a sheet).
NUMBER_MIN_CONF = 50.0
NUMBER_MAX_DIGITS = 5
NUMBER_HEIGHT_PX = 40


def ocr_number(
    box: np.ndarray, *, dpi: int = 300, lang: str = "vie", timeout_s: float = 30.0
) -> tuple[str, float] | None:
    """Read a short number (a bút lục sheet number) from the tight box around its ink: one
    Tesseract run restricted to digits on the box scaled to 40 px high with a 10 px white
    border, as a raw line (psm 13); psm 7 with a 6 px border only when that reads nothing.
    Both settings read 19/19 sample sheet numbers; wider borders or psm 8 lose some (the
    layout step takes a lone glyph on much paper for noise). Returns (digits, confidence) or
    None when nothing sure was read. Raises `OcrError` like `ocr_page`."""
    if box.size == 0:
        return None
    f = NUMBER_HEIGHT_PX / box.shape[0]
    scaled = cv2.resize(box, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC)
    for psm, border in ((13, 10), (7, 6)):
        crop = cv2.copyMakeBorder(
            scaled, border, border, border, border, cv2.BORDER_CONSTANT, value=255
        )
        words = _read_line(crop, psm, round(dpi * f), lang, timeout_s)
        if words:
            break
    text = "".join(w.text for w in words)
    if not text.isdigit() or len(text) > NUMBER_MAX_DIGITS:
        return None
    conf = min(w.conf for w in words)
    if conf < NUMBER_MIN_CONF:
        return None
    return text, conf


def _read_line(crop: np.ndarray, psm: int, dpi: int, lang: str, timeout_s: float) -> list[Word]:
    tsv = engine.recognize(crop, dpi=dpi, lang=lang, psm=psm, timeout_s=timeout_s, page_no=0,
                           whitelist="0123456789")  # fmt: skip
    return _tsv_words(tsv)


def _tsv_words(tsv: str) -> list[Word]:
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    out: list[Word] = []
    for row in reader:
        if len(row) < 12 or row[0] != "5" or not row[11].strip():
            continue
        try:
            conf = float(row[10])
        except ValueError:
            continue
        box = [int(v) for v in row[6:10]]
        out.append(Word(text=row[11].strip(), conf=round(conf, 1), left=box[0], top=box[1],
                        width=box[2], height=box[3]))  # fmt: skip
    return out


# A token without a letter or digit below this confidence is a stroke of a signature, stamp
# or speck ("_", "/“", "›....«"), not punctuation: it stays in `words` (boxes), not in text.
GARBAGE_CONF = 60.0


def _is_garbage(word: Word) -> bool:
    return word.conf < GARBAGE_CONF and not any(ch.isalnum() for ch in word.text)


# The dash that opens an item of a list ("- Như Điều 2;", "- Lưu: VT."), as the LSTM reads a
# ragged one at the start of a line: "~" (conf ~90), "~-", "-~" (conf ~50, so garbage).
# Vietnamese documents open no line with a tilde. Poor bench pages: 8 of 152 list dashes
# came out as "~", 6 were dropped as garbage.
_LIST_DASH = re.compile(r"^[-~¬–—]{1,3}$")
_GLUED_DASH = re.compile(r"^~['’`]?(?=[^\W\d_])")  # "~'VKSND": the dash glued to the word


def _list_dash(line: list[Word]) -> bool:
    """If `line` (one Tesseract line) opens with a misread list dash, make it "-"; True when
    it opens with a list dash, which then counts as text whatever its confidence. A dash
    read glued to the first word becomes a word of its own (the box split by characters)."""
    first = line[0] if line else None
    glued = _GLUED_DASH.match(first.text) if first is not None else None
    if first is not None and glued:
        n = len(glued.group())
        cut = round(first.width * n / len(first.text))
        rest = first.text[n:]
        line.insert(
            1,
            Word(text=rest, conf=first.conf, left=first.left + cut, top=first.top,
                 width=first.width - cut, height=first.height, line=first.line),
        )  # fmt: skip
        first.text, first.width = "-", cut
        return True
    if len(line) < 2 or not _LIST_DASH.match(line[0].text):
        return False
    nxt = line[1].text[:1]
    if not (nxt.isalnum() or nxt == "("):
        return False
    line[0].text = "-"
    return True


def parse_tsv(tsv: str) -> tuple[list[Word], str]:
    """Words (repaired) with boxes and a running line number, and the page text in reading
    order: lines top to bottom (two-column regions column by column), words joined by
    spaces, lines by newlines, paragraphs and blocks by a blank line.

    Tesseract reads a two-column row (agency | national motto, "Nơi nhận" | signer) either
    line by line or column by column, depending on the page. Lines of different blocks that
    share a baseline are therefore found first, and such a two-column region is then read
    column by column (`_columns_in_turn`), so that the order does not depend on Tesseract's
    mood (it is the order of the real-scan truths, the labelled set and `samplegen`).
    Garbage tokens (see GARBAGE_CONF) and lines without a letter or digit are left out of the
    text but kept in `words`."""
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    if next(reader, None) is None:
        return [], ""
    rows: list[tuple[tuple[int, int, int, int], Word]] = []
    for row in reader:
        if len(row) < 12 or row[0] != "5":
            continue
        text = repair(row[11]).strip()
        try:
            conf = float(row[10])
        except ValueError:
            continue
        if not text or conf < 0:
            continue
        box = [int(v) for v in row[6:10]]
        word = Word(
            text=text, conf=round(conf, 1), left=box[0], top=box[1], width=box[2], height=box[3]
        )
        rows.append(((int(row[2]), int(row[3]), int(row[4]), 0), word))

    # Tesseract's lines, in its order, cut where two columns meet (`_cut_at_gaps`).
    tlines: list[_Line] = []
    for key, word in rows:
        if not tlines or tlines[-1][0] != key:
            tlines.append((key, []))
        tlines[-1][1].append(word)
    tlines = [piece for line in tlines for piece in _cut_at_gaps(line)]
    # Visual lines: Tesseract lines of different blocks (or pieces of one line) side by side
    # on one baseline.
    visual: list[list[_Line]] = []
    spans: list[tuple[int, int, int, int]] = []  # top, bottom, left, right of each visual line
    for key, ws in tlines:
        top = min(w.top for w in ws)
        bottom = max(w.top + w.height for w in ws)
        left = min(w.left for w in ws)
        right = max(w.left + w.width for w in ws)
        for i, vl in enumerate(visual):
            t, b, lft, rgt = spans[i]
            overlap = min(b, bottom) - max(t, top)
            if (
                all(k[0] != key[0] or k[:3] == key[:3] for k, _ in vl)
                and overlap >= 0.5 * min(b - t, bottom - top)
                and (right <= lft or left >= rgt)
            ):
                vl.append((key, ws))
                spans[i] = (min(t, top), max(b, bottom), min(lft, left), max(rgt, right))
                break
        else:
            visual.append([(key, ws)])
            spans.append((top, bottom, left, right))
    if any(len(vl) > 1 for vl in visual):
        order = sorted(range(len(visual)), key=lambda i: spans[i][0])
        out_lines = _columns_in_turn([visual[i] for i in order], [spans[i] for i in order])
    else:
        out_lines = [sorted(vl, key=lambda kw: kw[1][0].left) for vl in visual]

    words: list[Word] = []
    dashes: set[int] = set()
    for ol in out_lines:
        for _, ws in ol:
            if _list_dash(ws):
                dashes.add(id(ws[0]))
            words.extend(ws)
    fix_known_misreads(words)
    fix_tones(words)  # after: "số 224", "(Bốn mươi" are settled there

    lines: list[str] = []
    last: tuple[int, int] | None = None
    for line_no, ol in enumerate(out_lines, start=1):
        parts: list[str] = []
        first_key = min(k for k, _ in ol)
        for _, ws in ol:
            for w in ws:
                w.line = line_no
                if id(w) in dashes or not _is_garbage(w):
                    parts.append(w.text)
        if not any(ch.isalnum() for p in parts for ch in p):
            continue
        if last is not None and first_key[:2] != last and lines:
            lines.append("")  # new paragraph or block
        last = first_key[:2]
        lines.append(" ".join(parts))
    return words, "\n".join(lines).strip()


_Line = tuple[tuple[int, int, int, int], list[Word]]  # (block, par, line, piece), words
# Words of one printed line are less than a letter height apart (justified body lines: up to
# ~1, and evenly); Tesseract also puts two header columns on one line ("ỦY BAN NHÂN DÂN   CỘNG
# HÒA XÃ HỘI…", gap 3–7 heights on real scans, 1–2 on samplegen pages with long agency names):
# a gap wider than COLUMN_CUT_GAP word heights cuts it, and so does one wider than
# COLUMN_CUT_MIN heights that is COLUMN_CUT_RATIO times the line's median gap.
COLUMN_CUT_GAP = 2.0
COLUMN_CUT_MIN = 0.8
COLUMN_CUT_RATIO = 2.4


def _cut_at_gaps(line: _Line) -> list[_Line]:
    """One Tesseract line as pieces split at column gaps (see COLUMN_CUT_GAP). A garbage
    token (a speck read as "ˆ", `_is_garbage`) does not bridge a gap."""
    key, ws = line
    if len(ws) < 2:
        return [line]
    height = float(np.median([w.height for w in ws]))
    gaps, right = [], ws[0].left + ws[0].width
    for w in ws[1:]:
        gaps.append(w.left - right)
        if not _is_garbage(w):
            right = max(right, w.left + w.width)
    usual = float(np.median(gaps))
    cut = min(COLUMN_CUT_GAP * height, max(COLUMN_CUT_MIN * height, COLUMN_CUT_RATIO * usual))
    pieces: list[_Line] = [((*key[:3], 0), [ws[0]])]
    for gap, w in zip(gaps, ws[1:], strict=True):
        if gap > cut:
            pieces.append(((*key[:3], len(pieces)), []))
        pieces[-1][1].append(w)
    return pieces


# A two-column region goes on while the next line starts within this many line heights of
# the last one, or at any distance while lines keep both columns (titles of two signers, a
# signature's gap, their names).
COLUMN_GAP_LINES = 2.5


def _columns_in_turn(
    visual: list[list[_Line]], spans: list[tuple[int, int, int, int]]
) -> list[list[_Line]]:
    """Output lines from visual lines (top to bottom): where a visual line holds two columns
    side by side (agency | national motto, "Nơi nhận" | signer), that two-column region is
    read column by column, left first: the order of the real-scan truths and of the
    labelled documents. A region ends at a line that crosses the gap between the columns or
    after a vertical gap (COLUMN_GAP_LINES)."""
    out: list[list[_Line]] = []
    i = 0
    while i < len(visual):
        parts = sorted(visual[i], key=lambda kw: kw[1][0].left)
        real = [kw for kw in parts if not all(_is_garbage(w) for w in kw[1])]
        if len(real) < 2:
            out.append(parts)
            i += 1
            continue
        # The gap between the columns, from the first two pieces of text (garbage tokens,
        # strokes of a seal or signature between the columns, are put on either side).
        split_lo = max(w.left + w.width for w in real[0][1])  # right edge of the left column
        split_hi = min(w.left for w in real[1][1])  # left edge of the right column
        left: list[list[_Line]] = []
        right: list[list[_Line]] = []
        bottom, height = spans[i][1], spans[i][1] - spans[i][0]
        j = i
        while j < len(visual):
            top, bot, _, _ = spans[j]
            if j > i and top - bottom > COLUMN_GAP_LINES * height and len(visual[j]) < 2:
                break
            side_l: list[_Line] = []
            side_r: list[_Line] = []
            for kw in visual[j]:
                if all(_is_garbage(w) for w in kw[1]):
                    (side_l if kw[1][0].left < split_hi else side_r).append(kw)
                elif max(w.left + w.width for w in kw[1]) <= split_hi:
                    side_l.append(kw)
                elif min(w.left for w in kw[1]) >= split_lo:
                    side_r.append(kw)
                else:
                    break  # a line across the columns: the region is over
            else:
                if side_l:
                    left.append(sorted(side_l, key=lambda kw: kw[1][0].left))
                if side_r:
                    right.append(sorted(side_r, key=lambda kw: kw[1][0].left))
                bottom = bot
                j += 1
                continue
            break
        out += left + right
        i = j
    return out


# "thi hành án" read as "THỊ HÀNH ÁN" (language-model bias, docs/ocr.md §3), or with a stray
# tone ("thì", "thí"). Only with "hành án" following: "Nguyễn Thị Hành" is a name.
_THI = {"thị", "thì", "thí", "thỉ"}

# Tone misreads in fixed legal/administrative collocations (the fast `vie` model at 200 dpi
# loses or swaps tone marks): (misread word, the word next to it, which side, correct word).
# Only the pair is certain: "thấm" (to soak) is a word, but never before "phán" or after
# "sơ"/"phúc"; "phô" (to show off) is a word, but "thành phô" is not; "quyên" (to donate) is,
# but not before "lợi"/"sử"/"yêu"; "dâu" is, but "đóng dâu" is not. These are phrases of the
# document types themselves (thành phố, thời hạn, kể từ ngày, số tiền, đóng dấu, yêu cầu,
# quyền lợi/sử dụng/yêu cầu, phải chịu/thi hành, sơ/phúc thẩm, Thẩm phán, Chi cục, Biên bản).
_PAIRS: list[tuple[str, str, int, str]] = [
    ("thấm", "phán", +1, "thẩm"),
    ("thấm", "sơ", -1, "thẩm"),
    ("thấm", "phúc", -1, "thẩm"),
    ("chỉ", "cục", +1, "chi"),
    ("biến", "bản", +1, "biên"),
    ("biển", "bản", +1, "biên"),
    ("phô", "thành", -1, "phố"),
    ("phổ", "thành", -1, "phố"),
    ("thanh", "phố", +1, "thành"),
    ("thơi", "hạn", +1, "thời"),
    ("thơi", "gian", +1, "thời"),
    ("thởi", "hạn", +1, "thời"),
    ("kế", "từ", +1, "kể"),
    ("tiên", "số", -1, "tiền"),
    ("dâu", "đóng", -1, "dấu"),
    ("dầu", "đóng", -1, "dấu"),
    ("câu", "yêu", -1, "cầu"),
    ("cấu", "yêu", -1, "cầu"),
    ("quyên", "lợi", +1, "quyền"),
    ("quyên", "sử", +1, "quyền"),
    ("quyên", "yêu", +1, "quyền"),
    ("phai", "chịu", +1, "phải"),
    ("phai", "thi", +1, "phải"),
    ("phái", "chịu", +1, "phải"),
    ("hất", "thời", +1, "hết"),
    # Poor bench and sample pages (session 6): Hội thẩm nhân dân, thành phần Hội đồng,
    # Tổng giám đốc, số tiền, tỉnh Đồng Nai / Đồng Tháp ("Đông" is a word and a name, but
    # neither province; "Lâm Đông" may be a person, so it stays).
    ("thấm", "hội", -1, "thẩm"),
    ("phân", "thành", -1, "phần"),
    ("tống", "giám", +1, "tổng"),
    ("sô", "tiền", +1, "số"),
    ("sô", "tiên", +1, "số"),
    ("đông", "nai", +1, "đồng"),
    ("đông", "tháp", +1, "đồng"),
    ("đâu", "đóng", -1, "dấu"),
    ("đấu", "đóng", -1, "dấu"),
    # The signer's title "CHI CỤC TRƯỞNG" (the seal's ring under it takes the dot of Ụ) and
    # headers "THÀNH PHỐ", "HÀ NỘI" read without their marks ("cuc", "pho", "nọi" are no words).
    ("cuc", "chi", -1, "cục"),
    ("cuc", "trưởng", +1, "cục"),
    ("pho", "thành", -1, "phố"),
    ("pho", "thanh", -1, "phố"),
    ("thanh", "pho", +1, "thành"),
    ("nọi", "hà", -1, "nội"),
    # dân sự, để thi hành / để bảo đảm, thi hành, cưỡng chế: "dẫn sự", "đế thi", "đế bảo",
    # "thí hành", "cường chế", "cưỡng chê" are no phrases.
    ("dẫn", "sự", +1, "dân"),
    ("đế", "thi", +1, "để"),
    ("đế", "bảo", +1, "để"),
    ("thí", "hành", +1, "thi"),
    ("cường", "chế", +1, "cưỡng"),
    ("chê", "cưỡng", -1, "chế"),
]
# Whole tokens that are one thing only: "V/v" (về việc) of a document's subject line; "m²"
# after a number (diện tích 659,7 m²), read "m2", "m°".
_TOKENS = {"V/%": "V/v", "V/%v": "V/v", "V/y": "V/v", "V/w": "V/v"}
_SQUARE_M = {"m2", "m°"}
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")
# "Lưu: VT" (filed with the clerical office) closes the "Nơi nhận" list of every
# administrative document (Decree 30/2020 layout); its "VT," is read "VTF,"/"VTI,"/"VI,".
_LUU_VT = re.compile(r"^V[TI][FIl1]?$")
# A year after "năm" ("sinh năm 1966") is four digits: letters there are digit misreads.
_YEAR = re.compile(r"^[0-9GOIlS]{4}$")
_YEAR_DIGITS = str.maketrans("GOIlS", "60115")
# "Điều 89": an article number follows only "Điều" ("điêu", "điếu", "điệu" are words, but
# never before a number).
_DIEU = {"điêu", "điếu", "điểu", "điệu", "diều", "diêu"}
# An amount in figures is followed by "đồng", never "đông" (east) or "dồng".
_DONG = {"đông", "dồng", "đống", "đổng"}
_AMOUNT = re.compile(r"^\d{1,3}(?:\.\d{3})+$")

# Amounts are also written out in words ("(Bốn mươi chín triệu ba trăm nghìn đồng)"), from a
# closed set of numeral words. Inside such a run, a word that is not one of them but is one
# with another tone ("trắm", "bôn", "(Bồn") is misread; "đồng" follows the run.
_NUMERAL_WORDS = (
    "một hai ba bốn năm sáu bảy tám chín mười mươi mốt lăm tư trăm nghìn ngàn triệu tỷ linh lẻ"
)
_NUMERALS = frozenset(_NUMERAL_WORDS.split())
_NUMERAL_BY_BARE: dict[str, str] = {}
# "số" (number) before a number ("sô 224/QĐ-CCTHADS", "sổ 9623/2018/HĐTD": a notebook "sổ"
# is never followed by digits in these documents); "vào hồi 10 giờ" (at ten o'clock).
_SO = {"sô", "sổ", "sõ", "sỗ"}
_HOI = {"hôi", "hối", "hỏi"}

# Vietnamese phonotactics: a syllable closed by a stop (-p, -t, -c, -ch) carries the sắc or
# the nặng tone, never ngang, huyền, hỏi or ngã. Such a syllable from OCR ("đât", "câp",
# "phut") is certainly misread; it gets sắc (the usual tone of these syllables), or nặng when
# its toneless form is one of these common words of legal and administrative Vietnamese
# whose nặng reading is the usual one (a hand-written domain list, not learned from samples):
_NANG_WORDS = """một được việc luật thuật vật đạt đặt đặc mặt lập tập nhập hợp họp nộp hộp học dọc
    ngọc mục cục tục thục lực thực trực vực đục cuộc buộc thuộc hiệp nghiệp tiệp diệt
    duyệt tuyệt nguyệt lịch dịch thạch kịp dịp đẹp hẹp gặp Việt lượt vượt ngược lặp
    bậc lộc"""
_NANG = frozenset(_NANG_WORDS.split())
# ... and left alone when both readings are common (phúc/phục, phát/phạt, đốc/độc, ...).
_EITHER_WORDS = "phuc phat đôc tôc bac luc tich thât nhât biêt thiêt sach thâp"
_EITHER = frozenset(_EITHER_WORDS.split())
_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
    r"([aăâeêioôơuưy]{1,3})(ch|p|t|c)$"
)
_VOWEL_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn


def _split_tone(word: str) -> tuple[str, str | None]:
    """(word without its tone mark, NFC; the tone's combining mark or None)."""
    tone = None
    kept = []
    for ch in unicodedata.normalize("NFD", word):
        if ch in TONE_MARKS:
            tone = ch
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


_NANG_BARE = frozenset(_split_tone(w.lower())[0] for w in _NANG)


def _with_tone(bare: str, tone: str) -> str:
    """Put `tone` on the main vowel of a closed syllable: the last vowel with a vowel mark
    (ươ → ơ), else the last vowel of the nucleus."""
    m = _SYLLABLE.match(bare.lower())
    assert m is not None
    start = m.start(2)
    nucleus = unicodedata.normalize("NFD", bare[start : m.end(2)])
    letters: list[str] = []
    for ch in nucleus:
        if unicodedata.combining(ch):
            letters[-1] += ch
        else:
            letters.append(ch)
    marked = [i for i, lt in enumerate(letters) if any(c in _VOWEL_MARKS for c in lt)]
    k = marked[-1] if marked else len(letters) - 1
    letters[k] += tone
    return bare[:start] + unicodedata.normalize("NFC", "".join(letters)) + bare[m.end(2) :]


def fix_closed_syllable_tone(word: str) -> str:
    """A stop-final syllable with a tone it cannot carry gets sắc or nặng (see `_NANG`);
    anything else (names of other languages, abbreviations, numbers) is returned as is."""
    bare, tone = _split_tone(word)
    if tone in (ACUTE, DOT_BELOW):
        return word
    low = bare.lower()
    if not _SYLLABLE.match(low) or low in _EITHER:
        return word
    if bare.isupper() and len(bare) <= 3 and bare.isascii():
        return word  # an abbreviation ("TAT", "VT")
    tone = DOT_BELOW if low in _NANG_BARE else ACUTE
    return _same_case(bare, _with_tone(low, tone))


def _same_case(model: str, word: str) -> str:
    if model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


_PUNCT = ".,;:()\"“”'’!?"


def _bare(text: str) -> str:
    return text.lower().strip(_PUNCT)


def _replace_core(text: str, core: str) -> str:
    """`text` with its word (between leading and trailing punctuation) replaced by `core`."""
    stripped = text.strip(_PUNCT)
    i = text.find(stripped)
    return text[:i] + core + text[i + len(stripped) :]


# "(Đã ký và đóng dấu)" marks the signature of a certified copy ("bản sao") of a judgment or
# decision. It sits under the signer's title, where the handwritten signature goes, so its
# strokes cross "ký và" ("kýxà", "ký-và", "kšxà", "xà") and the parenthesis ("tĐã").
# "ký và" between "(Đã" and "đóng dấu)" as read where the signature crosses it: "kýxà",
# "ký-và", "xà", and with the k lost too ("Rýxà", "Fđxà": office pages of archives 8, 10).
_DA_KY = re.compile(r"^(\S{0,3}[-—]?)?[xv]à$", re.IGNORECASE)


_DOUBLE_D = re.compile(r"(Đ)Đ+")


_DA = re.compile(r"^\S{0,2}đ[ãàảạa]$", re.IGNORECASE)  # "(Đã" as read: "tĐã", "_(Đã", "(Đà"
_DAU = re.compile(r"^[dđ][âấầ]u\)", re.IGNORECASE)  # "dấu)", "đâu)", "đấu)"
_KY = {"ký", "kỹ", "ky", "kỷ", "kí"}


def _fix_da_ky_va(words: list[Word]) -> None:
    for j in range(2, len(words) - 1):
        if _bare(words[j].text) != "đóng" or not _DAU.match(words[j + 1].text):
            continue
        ky, da = words[j - 1], words[j - 2]
        if _DA_KY.match(ky.text) and _DA.match(da.text):
            ky.text = "ký và"
            da.text = "(Đã"
        elif (
            j >= 3
            and _bare(ky.text) in ("và", "xà")
            and _bare(da.text) in _KY
            and _DA.match(words[j - 3].text)
        ):
            words[j - 3].text, da.text, ky.text = "(Đã", "ký", "và"


def fix_known_misreads(words: list[Word]) -> None:
    """Correct, in place, misreadings that are certain from context or from phonotactics."""
    _fix_da_ky_va(words)
    n = len(words)
    for i, w in enumerate(words):
        if "/" in w.text and "ĐĐ" in w.text:
            # The LSTM sometimes doubles the Đ of a number's code ("335/QĐĐ-THADS"); no
            # Vietnamese abbreviation has two Đ in a row.
            w.text = _DOUBLE_D.sub(r"\1", w.text)
        core = w.text.strip(_PUNCT)
        low = core.lower()
        if not core:
            continue
        if core in _TOKENS:
            w.text = _replace_core(w.text, _TOKENS[core])
            continue
        if low in _SQUARE_M and i > 0 and _NUMBER.match(_bare(words[i - 1].text)):
            w.text = _replace_core(w.text, "m²")
            continue
        if (
            low in _THI
            and i + 2 < n
            and _bare(words[i + 1].text) == "hành"
            and _bare(words[i + 2].text) == "án"
        ):
            w.text = _replace_core(w.text, _same_case(core, "thi"))
            continue
        if low in _DIEU and i + 1 < n and _bare(words[i + 1].text).isdigit():
            w.text = _replace_core(w.text, _same_case(core, "điều"))
            continue
        if low in _SO and i + 1 < n and words[i + 1].text[:1].isdigit():
            w.text = _replace_core(w.text, _same_case(core, "số"))
            continue
        if (
            low in _HOI
            and i + 2 < n
            and words[i + 1].text.isdigit()
            and _bare(words[i + 2].text) == "giờ"
        ):
            w.text = _replace_core(w.text, _same_case(core, "hồi"))
            continue
        numeral = _numeral_misread(words, i, low)
        if numeral:
            w.text = _replace_core(w.text, _same_case(core, numeral))
            continue
        if low in _DONG and i > 0 and _bare(words[i - 1].text) in _NUMERALS - {"một", "năm"}:
            w.text = _replace_core(w.text, _same_case(core, "đồng"))
            continue
        if low in _DONG and i > 0 and _AMOUNT.match(_bare(words[i - 1].text)):
            w.text = _replace_core(w.text, _same_case(core, "đồng"))
            continue
        if i > 0 and _bare(words[i - 1].text) == "lưu" and _LUU_VT.match(core) and core != "VT":
            w.text = _replace_core(w.text, "VT")
            continue
        if (
            i > 0
            and _bare(words[i - 1].text) == "năm"
            and _YEAR.match(core)
            and not core.isdigit()
            and sum(ch.isdigit() for ch in core) >= 3
        ):
            w.text = _replace_core(w.text, core.translate(_YEAR_DIGITS))
            continue
        for wrong, other, side, right in _PAIRS:
            j = i + side
            if low == wrong and 0 <= j < n and _bare(words[j].text) == other:
                w.text = _replace_core(w.text, _same_case(core, right))
                break
        else:
            fixed = fix_closed_syllable_tone(core)
            if fixed != core:
                w.text = _replace_core(w.text, fixed)


def _numeral_misread(words: list[Word], i: int, low: str) -> str | None:
    """The numeral word `low` stands for, when it sits inside an amount written in words:
    the next word is a numeral, and so is the previous one unless this word opens the
    parenthesis ("(Bồn mươi")."""
    if low in _NUMERALS or not low.isalpha():
        return None
    if not _NUMERAL_BY_BARE:
        _NUMERAL_BY_BARE.update((_split_tone(x)[0], x) for x in _NUMERALS)
        for bare in ("mươi", "mười", "mốt", "một", "năm", "lăm", "lẻ", "linh"):
            _NUMERAL_BY_BARE.pop(_split_tone(bare)[0], None)  # two numerals share a bare form
    right = _NUMERAL_BY_BARE.get(_split_tone(low)[0])
    if right is None or i + 1 >= len(words) or _bare(words[i + 1].text) not in _NUMERALS:
        return None
    opens = words[i].text.startswith("(")
    if not opens and (i == 0 or _bare(words[i - 1].text) not in _NUMERALS):
        return None
    return right


def detect_orientation(
    image: np.ndarray, *, dpi: int = 150, timeout_s: float = 20.0, min_confidence: float = 2.0
) -> int | None:
    """Tesseract OSD: clockwise rotation (0/90/180/270) that makes the page upright, or None
    when OSD fails or is unsure (sparse pages, pictures)."""
    try:
        rotate, conf = engine.orientation(image, dpi=dpi, timeout_s=timeout_s)
    except OcrError:
        return None  # "Too few characters", timeout: no opinion
    return rotate if conf >= min_confidence else None
