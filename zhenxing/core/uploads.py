"""Guards for uploaded spreadsheets, run before any parser sees the file (security.md E2, D5).

Holds:
- `UploadErrorCode`: why a file was refused, in Chinese and English.
- `check_upload(path_or_file, name=...)`: size cap, extension whitelist (.xlsx, .csv) and
  content sniffing; for xlsx the zip central directory is read (never the compressed data) to
  check entry count, member names, uncompressed size and compression ratio, and macro,
  encrypted and non-workbook files are refused. Returns the kind ("xlsx" or "csv").
- `private_dir`, `save_upload`, `remove_private`, `purge_stale`: a private place under
  `VAR_DIR` for files kept between requests, and its clean-up.

Why calamine needs no XML defence: python-calamine parses the workbook's XML in Rust with
quick-xml, which neither fetches external entities nor expands DTD entity definitions, so XXE
and "billion laughs" do not apply; Python's own XML parsers never see the file. The one XML
member read here, `[Content_Types].xml`, goes through `defusedxml` after its declared size has
been checked. `defusedxml.defuse_stdlib()` is not called: it patches the standard library for
the whole process, which this module does not need to do to be safe.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath
from typing import IO, Literal

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.conf import settings

from zhenxing.core.errors import DomainError, ErrorCode

MB = 1024 * 1024
MAX_BYTES = 20 * MB
MAX_ENTRIES = 10_000
MAX_UNCOMPRESSED = 200 * MB
MAX_RATIO = 100
# Members smaller than this cannot make a bomb whatever their ratio (a tiny styles.xml of
# repeated tags compresses very well); the total ratio still counts them.
RATIO_FLOOR = 1 * MB
MAX_CONTENT_TYPES = 1 * MB

UploadKind = Literal["xlsx", "csv"]
ALLOWED_SUFFIXES: dict[str, UploadKind] = {".xlsx": "xlsx", ".csv": "csv"}

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXECUTABLE_MAGIC = (
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O 32
    b"\xfe\xed\xfa\xcf",  # Mach-O 64
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal / Java class
    b"#!",  # script with an interpreter line
)
_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_REQUIRED_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
# VBA projects and Excel 4.0 macro sheets (XLM) both run code when the workbook is opened.
_MACRO_MARKERS = ("vbaproject.bin", "xl/macrosheets/", "xl/activex/")
_MACRO_CONTENT = ("macroenabled", "vbaproject", "ms-office.vbaproject", "macrosheet")


class UploadErrorCode(ErrorCode):
    EMPTY = ("upload.empty", "文件为空", "The file is empty")
    TOO_LARGE = (
        "upload.too_large",
        "文件大小 {size_mb} MB，超过 {limit_mb} MB 的上限",
        "The file is {size_mb} MB, above the {limit_mb} MB limit",
    )
    BAD_EXTENSION = (
        "upload.bad_extension",
        "只接受 .xlsx 或 .csv 文件（收到的是“{suffix}”）",
        "Only .xlsx and .csv files are accepted (got '{suffix}')",
    )
    EXECUTABLE = (
        "upload.executable",
        "文件内容是可执行程序或脚本，不是表格，已拒绝",
        "The file is an executable program or script, not a spreadsheet; refused",
    )
    ENCRYPTED = (
        "upload.encrypted",
        "文件受密码保护或是旧版 .xls 格式，无法检查；请取消密码并另存为 .xlsx 后重新上传",
        "The file is password-protected or an old .xls workbook and cannot be checked; "
        "remove the password, save it as .xlsx and upload it again",
    )
    MACRO = (
        "upload.macro",
        "文件含有宏或控件，已拒绝；请另存为不含宏的 Excel 工作簿（.xlsx）",
        "The file contains macros or controls and is refused; save it as an Excel workbook "
        "without macros (.xlsx)",
    )
    NOT_XLSX = (
        "upload.not_xlsx",
        "文件扩展名是 .xlsx，但内容不是 Excel 工作簿（可能是改了扩展名的其他文件）",
        "The file is named .xlsx but is not an Excel workbook (perhaps a renamed file)",
    )
    NOT_CSV = (
        "upload.not_csv",
        "文件扩展名是 .csv，但内容不是文本表格（可能是改了扩展名的其他文件）",
        "The file is named .csv but is not a text table (perhaps a renamed file)",
    )
    BROKEN = ("upload.broken", "文件已损坏，无法读取", "The file is damaged and cannot be read")
    ZIP_ENTRIES = (
        "upload.zip_entries",
        "工作簿内部文件过多（{count} 个，上限 {limit} 个）",
        "The workbook holds too many internal files ({count}, limit {limit})",
    )
    ZIP_NAME = (
        "upload.zip_name",
        "工作簿内含不安全的文件名（绝对路径或“..”），已拒绝",
        "The workbook contains an unsafe internal name (absolute path or '..'); refused",
    )
    ZIP_SIZE = (
        "upload.zip_size",
        "工作簿解压后约 {size_mb} MB，超过 {limit_mb} MB 的上限",
        "The workbook would expand to about {size_mb} MB, above the {limit_mb} MB limit",
    )
    ZIP_RATIO = (
        "upload.zip_ratio",
        "工作簿压缩比异常（{ratio}:1，上限 {limit}:1），疑似压缩炸弹，已拒绝",
        "The workbook's compression ratio is abnormal ({ratio}:1, limit {limit}:1), "
        "a likely zip bomb; refused",
    )
    CSV_BINARY = (
        "upload.csv_binary",
        "CSV 文件含有空字节，不是 UTF-8 或 GB18030 文本（UTF-16 请另存为“CSV UTF-8”）",
        "The CSV file contains NUL bytes and is not UTF-8 or GB18030 text (save UTF-16 files "
        "as 'CSV UTF-8')",
    )
    CSV_ENCODING = (
        "upload.csv_encoding",
        "CSV 文件的编码应为 UTF-8 或 GB18030",
        "A CSV file must be encoded as UTF-8 or GB18030",
    )
    NOT_IMAGE = (
        "upload.not_image",
        "照片只接受 JPEG 或 PNG 图片（扩展名与内容须一致）",
        "A photo must be a JPEG or PNG image (name and content must agree)",
    )


# ---------------------------------------------------------------- guards


def _size(source: Path | IO[bytes]) -> int:
    if isinstance(source, Path):
        return source.stat().st_size
    position = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def _head(source: Path | IO[bytes], n: int = 8) -> bytes:
    if isinstance(source, Path):
        with source.open("rb") as fh:
            return fh.read(n)
    source.seek(0)
    head = source.read(n)
    source.seek(0)
    return head


def _is_executable(head: bytes) -> bool:
    # "MZ" alone could begin a csv cell; a DOS/PE header has control bytes right after it.
    if head.startswith(b"MZ") and any(b < 0x09 for b in head[2:]):
        return True
    return head.startswith(_EXECUTABLE_MAGIC)


def _mb(n: int) -> str:
    return f"{n / MB:.1f}".removesuffix(".0")


def _unsafe_name(name: str) -> bool:
    if not name or "\x00" in name:
        return True
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return True
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return ".." in parts


def _check_zip(
    source: Path | IO[bytes], *, max_entries: int, max_uncompressed: int, max_ratio: int
) -> None:
    """Everything here comes from the central directory; no member is inflated except the
    small `[Content_Types].xml`, after its declared size passed."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DomainError(UploadErrorCode.NOT_XLSX) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise DomainError(UploadErrorCode.ZIP_ENTRIES, count=len(infos), limit=max_entries)
        names = set()
        total = packed = 0
        for info in infos:
            if _unsafe_name(info.filename):
                raise DomainError(UploadErrorCode.ZIP_NAME)
            lowered = info.filename.replace("\\", "/").lower()
            if any(marker in lowered for marker in _MACRO_MARKERS):
                raise DomainError(UploadErrorCode.MACRO)
            if info.flag_bits & 0x1:
                raise DomainError(UploadErrorCode.ENCRYPTED)
            names.add(info.filename)
            total += info.file_size
            packed += info.compress_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > max_ratio:
                raise DomainError(UploadErrorCode.ZIP_RATIO, ratio=int(ratio), limit=max_ratio)
        if total > max_uncompressed:
            raise DomainError(
                UploadErrorCode.ZIP_SIZE, size_mb=_mb(total), limit_mb=_mb(max_uncompressed)
            )
        if total > RATIO_FLOOR and total / max(packed, 1) > max_ratio:
            raise DomainError(
                UploadErrorCode.ZIP_RATIO, ratio=int(total / max(packed, 1)), limit=max_ratio
            )
        if not all(member in names for member in _REQUIRED_MEMBERS):
            raise DomainError(UploadErrorCode.NOT_XLSX)
        info = archive.getinfo("[Content_Types].xml")
        if info.file_size > MAX_CONTENT_TYPES:
            raise DomainError(UploadErrorCode.NOT_XLSX)
        try:
            with archive.open(info) as member:
                content = member.read(MAX_CONTENT_TYPES + 1)
            root = ElementTree.fromstring(content)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise DomainError(UploadErrorCode.BROKEN) from exc
        except (ElementTree.ParseError, DefusedXmlException) as exc:
            raise DomainError(UploadErrorCode.NOT_XLSX) from exc
        for element in root.iter():
            content_type = (element.get("ContentType") or "").lower()
            if any(marker in content_type for marker in _MACRO_CONTENT):
                raise DomainError(UploadErrorCode.MACRO)


def _check_csv(source: Path | IO[bytes]) -> None:
    if isinstance(source, Path):
        data = source.read_bytes()
    else:
        source.seek(0)
        data = source.read()
        source.seek(0)
    if data.startswith((_ZIP, _EMPTY_ZIP, _OLE)):
        raise DomainError(UploadErrorCode.NOT_CSV)
    if b"\x00" in data:
        raise DomainError(UploadErrorCode.CSV_BINARY)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return
    raise DomainError(UploadErrorCode.CSV_ENCODING)


def check_upload(
    source: Path | str | IO[bytes],
    *,
    name: str | None = None,
    max_bytes: int = MAX_BYTES,
    max_entries: int = MAX_ENTRIES,
    max_uncompressed: int = MAX_UNCOMPRESSED,
    max_ratio: int = MAX_RATIO,
) -> UploadKind:
    """Refuse a file that must not reach a spreadsheet parser; else return its kind.

    `name` is the file name the user gave (for a file object, or when a path was renamed on
    saving). Raises `DomainError` with an `UploadErrorCode`.
    """
    if isinstance(source, str):
        source = Path(source)
    file_name = name if name is not None else getattr(source, "name", "") or ""
    suffix = Path(str(file_name)).suffix.lower()
    size = _size(source)
    if size == 0:
        raise DomainError(UploadErrorCode.EMPTY)
    if size > max_bytes:
        raise DomainError(UploadErrorCode.TOO_LARGE, size_mb=_mb(size), limit_mb=_mb(max_bytes))
    head = _head(source)
    if _is_executable(head):
        raise DomainError(UploadErrorCode.EXECUTABLE)
    kind = ALLOWED_SUFFIXES.get(suffix)
    if kind is None:
        raise DomainError(UploadErrorCode.BAD_EXTENSION, suffix=suffix[:10] or "-")
    if kind == "xlsx":
        if head.startswith(_OLE):
            raise DomainError(UploadErrorCode.ENCRYPTED)
        if not head.startswith(_ZIP):
            raise DomainError(UploadErrorCode.NOT_XLSX)
        _check_zip(
            source, max_entries=max_entries, max_uncompressed=max_uncompressed, max_ratio=max_ratio
        )
    else:
        _check_csv(source)
    return kind


MAX_IMAGE_BYTES = 8 * 1024 * 1024
_IMAGE_KINDS = {".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n"}


def check_image(source: Path | IO[bytes], *, name: str, max_bytes: int = MAX_IMAGE_BYTES) -> str:
    """Refuse a photo that is not a JPEG or PNG by both name and content; else its suffix."""
    size = _size(source)
    if size == 0:
        raise DomainError(UploadErrorCode.EMPTY)
    if size > max_bytes:
        raise DomainError(UploadErrorCode.TOO_LARGE, size_mb=_mb(size), limit_mb=_mb(max_bytes))
    head = _head(source)
    if _is_executable(head):
        raise DomainError(UploadErrorCode.EXECUTABLE)
    suffix = Path(name).suffix.lower()
    magic = _IMAGE_KINDS.get(suffix)
    if magic is None or not head.startswith(magic):
        raise DomainError(UploadErrorCode.NOT_IMAGE)
    return ".png" if suffix == ".png" else ".jpg"


# ---------------------------------------------------------------- private storage


def private_root(area: str = "uploads") -> Path:
    """`VAR_DIR/<area>`, readable by this account only; never under MEDIA_ROOT."""
    root = Path(settings.VAR_DIR) / area
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return root


def private_dir(key: str | uuid.UUID, area: str = "uploads") -> Path:
    """The directory that holds the files of one upload; `key` is a job id (a UUID)."""
    name = str(uuid.UUID(str(key)))  # refuses anything that could walk out of the root
    return private_root(area) / name


def save_upload(chunks: Iterable[bytes], destination: Path, *, max_bytes: int = MAX_BYTES) -> int:
    """Write an upload's chunks to `destination` (mode 0600), stopping at the size cap.

    The caller runs `check_upload` on the saved file next; a file over the cap is removed
    here and refused, so an oversized upload never lands on disk whole.
    """
    destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = 0
    fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                written += len(chunk)
                if written > max_bytes:
                    raise DomainError(
                        UploadErrorCode.TOO_LARGE,
                        size_mb=f">{_mb(max_bytes)}",
                        limit_mb=_mb(max_bytes),
                    )
                fh.write(chunk)
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return written


def remove_private(path: Path) -> None:
    """Delete a private file or directory (D5); missing is fine."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def purge_stale(
    max_age_seconds: float,
    area: str = "uploads",
    on_remove: Callable[[str], None] | None = None,
) -> int:
    """Remove entries of a private area older than `max_age_seconds` (abandoned uploads);
    `on_remove(name)` is called for each, e.g. to clear what a job kept about it."""
    root = private_root(area)
    cutoff = time.time() - max_age_seconds
    removed = 0
    for entry in root.iterdir():
        try:
            if entry.stat().st_mtime < cutoff:
                remove_private(entry)
                removed += 1
                if on_remove is not None:
                    on_remove(entry.name)
        except FileNotFoundError:
            continue
    return removed
