"""The assessment as an XLSX sheet: one row per department, figures beside their sub-scores."""

from flask_babel import gettext as _

from app.assessment import scores
from app.ledger.export import to_xlsx
from app.ledger.queries import Column


def assessment_columns(weights: dict[str, int], ranked: bool) -> list[Column]:
    columns = [Column(_("Rank"), 6, "integer")] if ranked else []
    columns += [Column(_("Department"), 20), Column(_("Score"), 8, "number"),
                Column(_("Change from last quarter"), 12, "number")]
    for code, label in scores.INDICATORS.items():
        if code in scores.RATES:
            columns += [Column(_("%(indicator)s: done", indicator=label), 12, "integer"),
                        Column(_("%(indicator)s: owed", indicator=label), 12, "integer")]
        else:
            columns.append(Column(str(label), 12, "integer"))
        columns.append(Column(_("Sub-score (weight %(weight)d)", weight=weights[code]), 12,
                              "number"))
    return columns


def assessment_rows(assessment: scores.Assessment, ranked: bool) -> list[tuple]:
    rows = []
    for row in assessment.rows:
        values = [row.rank] if ranked else []
        values += [f"{row.department.code} · {row.department.name}", row.total, row.change]
        for code in scores.INDICATORS:
            figure = row.figures[code]
            values += [figure.value, figure.owed] if code in scores.RATES else [figure.value]
            values.append(figure.score)
        rows.append(tuple(values))
    return rows


def assessment_xlsx(assessment: scores.Assessment, ranked: bool) -> bytes:
    title = _("Assessment %(quarter)s", quarter=str(assessment.quarter))
    return to_xlsx(assessment_columns(assessment.weights, ranked),
                   assessment_rows(assessment, ranked), title)
