"""Reading photos out of a request: the files posted, each through the pipeline within the
decoding budget the request's photos share."""

from flask import g
from werkzeug.datastructures import FileStorage, MultiDict

from app.photos.budget import RequestBudget
from app.photos.pipeline import ProcessedPhoto, Watermark, process


def request_budget() -> RequestBudget:
    """The decoding budget of the request being served, shared by all the photos it carries
    (a checklist form may carry one or more for each of its items)."""
    if "photo_budget" not in g:
        g.photo_budget = RequestBudget()
    return g.photo_budget


def posted_files(files: MultiDict, field: str) -> list[FileStorage]:
    """The files posted in `field`; a file input left empty sends a nameless part, left out."""
    return [upload for upload in files.getlist(field) if upload and upload.filename]


def read_upload(upload: FileStorage, watermark: Watermark) -> ProcessedPhoto:
    """One uploaded file through the pipeline. Raises pipeline.PhotoRejected (its wording is
    refusals.photo_refusal)."""
    return process(upload.read(), watermark, budget=request_budget())
