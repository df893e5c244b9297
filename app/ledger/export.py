"""Ledger files: XLSX through openpyxl's write-only mode, and CSV that Excel opens in Chinese."""

import csv
import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
NUMBER_FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "money": "0.00"}
EXCEL_CELL_CHARS = 32767
# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_xlsx(columns, rows, title: str) -> bytes:
    """One sheet named `title`: a bold, frozen, filterable header row, then `rows`."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "SafeRound"
    sheet = workbook.create_sheet(str(title)[:31])
    # Write-only sheets take their views, widths and print settings before the first row.
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"

    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=str(column.header))
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    texts = [i for i, column in enumerate(columns) if column.kind == "text"]
    formats = [(i, NUMBER_FORMATS[column.kind]) for i, column in enumerate(columns)
               if column.kind in NUMBER_FORMATS]
    for values in rows:
        row = list(values)
        for i in texts:
            row[i] = _text_cell(sheet, row[i]) if row[i] else None  # "" as an empty cell
        for i, number_format in formats:
            if row[i] is not None:
                cell = WriteOnlyCell(sheet, value=row[i])
                cell.number_format = number_format
                row[i] = cell
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text_cell(sheet, text: str):
    """Text as Excel can hold it: no control characters, at most 32,767 characters, and never
    taken for a formula (openpyxl makes any string starting with '=' one)."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    text = text[:EXCEL_CELL_CHARS]
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def to_csv(columns, rows) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads Chinese), ISO dates, a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(column.header) for column in columns])
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # what OWASP advises: Excel shows it as text
    return value
