"""Upload guards (security.md E2): every refusal happens on the file's bytes and the zip
central directory, before a spreadsheet parser is involved."""

from __future__ import annotations

import io
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from zhenxing.core.errors import DomainError
from zhenxing.core.uploads import (
    UploadErrorCode,
    check_upload,
    private_dir,
    purge_stale,
    remove_private,
    save_upload,
)

MINIMAL_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)


def real_xlsx(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write_string(0, 0, "户编号")
    workbook.close()
    return path


def crafted_xlsx(path: Path, members: dict[str, bytes], *, types: bytes = MINIMAL_TYPES) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_real_workbook_and_a_csv_pass(tmp_path: Path) -> None:
    assert check_upload(real_xlsx(tmp_path / "roster.xlsx")) == "xlsx"
    csv_path = tmp_path / "roster.csv"
    csv_path.write_bytes("\ufeff户编号,姓名\nH1,张三\n".encode())
    assert check_upload(csv_path) == "csv"
    gb = tmp_path / "gb.csv"
    gb.write_bytes("户编号,姓名\nH1,张三\n".encode("gb18030"))
    assert check_upload(gb) == "csv"


def test_a_file_object_with_the_user_given_name(tmp_path: Path) -> None:
    data = real_xlsx(tmp_path / "x.xlsx").read_bytes()
    assert check_upload(io.BytesIO(data), name="花名册.XLSX") == "xlsx"


def _refusal(path: Path, **limits: Any) -> UploadErrorCode:
    with pytest.raises(DomainError) as caught:
        check_upload(path, **limits)
    assert caught.value.message_zh
    assert caught.value.message_en
    code = caught.value.code
    assert isinstance(code, UploadErrorCode)
    return code


def test_oversized_file_refused(tmp_path: Path) -> None:
    path = real_xlsx(tmp_path / "big.xlsx")
    assert _refusal(path, max_bytes=100) == UploadErrorCode.TOO_LARGE


def test_empty_file_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert _refusal(path) == UploadErrorCode.EMPTY


@pytest.mark.parametrize("name", ["roster.xls", "roster.xlsm", "roster.ods", "roster", "r.exe"])
def test_extensions_outside_the_whitelist_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(real_xlsx(tmp_path / "ok.xlsx").read_bytes())
    assert _refusal(path) == UploadErrorCode.BAD_EXTENSION


def test_macro_workbook_refused_by_member_name(tmp_path: Path) -> None:
    path = crafted_xlsx(tmp_path / "macro.xlsx", {"xl/vbaProject.bin": b"\x00VBA"})
    assert _refusal(path) == UploadErrorCode.MACRO


def test_excel4_macro_sheet_refused(tmp_path: Path) -> None:
    path = crafted_xlsx(tmp_path / "xlm.xlsx", {"xl/macrosheets/sheet1.xml": b"<x/>"})
    assert _refusal(path) == UploadErrorCode.MACRO


def test_macro_enabled_content_type_refused(tmp_path: Path) -> None:
    types = MINIMAL_TYPES.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml").replace(
        b"officedocument.spreadsheetml", b"ms-excel"
    )
    path = crafted_xlsx(tmp_path / "xlsm.xlsx", {}, types=types)
    assert _refusal(path) == UploadErrorCode.MACRO


def test_zip_bomb_refused_by_ratio_without_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: 8 MB of zeros deflates to a few KB (ratio ~1000:1)
    path = crafted_xlsx(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": bytes(8 << 20)})
    assert path.stat().st_size < 100_000

    # when reading any member's data were attempted, the test would fail
    def no_inflating(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was decompressed")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", no_inflating)
    types_only = {"[Content_Types].xml"}
    original_open = zipfile.ZipFile.open

    def guarded_open(
        self: zipfile.ZipFile, name: object, *args: object, **kwargs: object
    ) -> object:
        member = getattr(name, "filename", name)
        assert member in types_only, member
        return original_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", guarded_open)

    # then
    assert _refusal(path) == UploadErrorCode.ZIP_RATIO


def test_total_uncompressed_size_cap(tmp_path: Path) -> None:
    path = crafted_xlsx(tmp_path / "wide.xlsx", {"xl/worksheets/sheet1.xml": os.urandom(300_000)})
    assert _refusal(path, max_uncompressed=200_000) == UploadErrorCode.ZIP_SIZE


def test_too_many_entries_refused(tmp_path: Path) -> None:
    members = {f"xl/media/image{n}.png": b"" for n in range(30)}
    path = crafted_xlsx(tmp_path / "many.xlsx", members)
    assert _refusal(path, max_entries=20) == UploadErrorCode.ZIP_ENTRIES


@pytest.mark.parametrize(
    "name", ["../x", "xl/../../etc/passwd", "/etc/passwd", "C:\\x", "a\\..\\b"]
)
def test_traversal_and_absolute_member_names_refused(tmp_path: Path, name: str) -> None:
    path = crafted_xlsx(tmp_path / "trav.xlsx", {name: b"x"})
    assert _refusal(path) == UploadErrorCode.ZIP_NAME


def test_ole_compound_file_refused_as_encrypted(tmp_path: Path) -> None:
    # A password-protected xlsx (and a legacy .xls) is an OLE compound file.
    path = tmp_path / "secret.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert _refusal(path) == UploadErrorCode.ENCRYPTED


def test_encrypted_zip_member_refused(tmp_path: Path) -> None:
    path = crafted_xlsx(tmp_path / "enc.xlsx", {"xl/worksheets/sheet1.xml": b"<x/>"})
    data = bytearray(path.read_bytes())
    # Set the "encrypted" flag bit in every central-directory header.
    at = data.find(b"PK\x01\x02")
    while at != -1:
        data[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    assert _refusal(path) == UploadErrorCode.ENCRYPTED


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",  # Windows PE
        b"\x7fELF\x02\x01\x01\x00",
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",  # Mach-O 64
        b"#!/bin/sh\nrm -rf /\n",
    ],
)
@pytest.mark.parametrize("name", ["roster.xlsx", "roster.csv"])
def test_renamed_executables_refused(tmp_path: Path, head: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(head + bytes(200))
    assert _refusal(path) == UploadErrorCode.EXECUTABLE


def test_other_zip_renamed_xlsx_refused(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    assert _refusal(path) == UploadErrorCode.NOT_XLSX


def test_text_renamed_xlsx_refused(tmp_path: Path) -> None:
    path = tmp_path / "text.xlsx"
    path.write_text("户编号,姓名\n", encoding="utf-8")
    assert _refusal(path) == UploadErrorCode.NOT_XLSX


def test_workbook_renamed_csv_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.csv"
    path.write_bytes(real_xlsx(tmp_path / "x.xlsx").read_bytes())
    assert _refusal(path) == UploadErrorCode.NOT_CSV


def test_csv_with_nul_bytes_refused(tmp_path: Path) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes("户编号,姓名\n".encode("utf-16"))
    assert _refusal(path) == UploadErrorCode.CSV_BINARY


def test_csv_in_an_unknown_encoding_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"\x81\x30\xff\xfe,\xff\n")
    assert _refusal(path) == UploadErrorCode.CSV_ENCODING


def test_save_upload_stops_at_the_cap_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "up" / "roster.xlsx"
    with pytest.raises(DomainError) as caught:
        save_upload(iter([b"x" * 60, b"x" * 60]), target, max_bytes=100)
    assert caught.value.code == UploadErrorCode.TOO_LARGE
    assert not target.exists()
    assert save_upload(iter([b"abc"]), target, max_bytes=100) == 3
    assert target.stat().st_mode & 0o777 == 0o600


def test_private_dir_refuses_anything_but_a_uuid(settings: object, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    with pytest.raises(ValueError):  # noqa: PT011 — uuid.UUID's own message
        private_dir("../../etc")
    folder = private_dir("12345678-1234-5678-1234-567812345678")
    assert folder.parent == tmp_path / "uploads"


def test_purge_stale_removes_only_old_entries(settings: object, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # type: ignore[attr-defined]
    old = private_dir("12345678-1234-5678-1234-567812345678")
    old.mkdir(parents=True)
    (old / "roster.csv").write_text("x")
    past = time.time() - 3 * 86400
    os.utime(old, (past, past))
    fresh = private_dir("87654321-1234-5678-1234-567812345678")
    fresh.mkdir()
    assert purge_stale(86400) == 1
    assert not old.exists()
    assert fresh.exists()
    remove_private(fresh)
    assert not fresh.exists()
