"""Reading exported ledgers back, as a person's spreadsheet program would."""

import csv
import io
from datetime import datetime

from openpyxl import load_workbook


def xlsx_sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def xlsx_rows(data: bytes, columns) -> list[list]:
    """Every row's values; date columns as dates (openpyxl reads them as midnight datetimes)."""
    rows = []
    for row in xlsx_sheet(data).iter_rows(values_only=True):
        rows.append([value.date() if column.kind == "date" and isinstance(value, datetime)
                     else value for column, value in zip(columns, row, strict=True)])
    return rows


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
