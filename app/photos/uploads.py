"""Reading photos out of a request: the files posted, each through the pipeline within the
decoding budget the request's photos share."""

import threading

from flask import current_app, g
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


_slots: threading.Semaphore | None = None
_slots_made = threading.Lock()


def processing_slots() -> threading.Semaphore:
    """The photos this process decodes at once (PHOTO_PROCESSING_SLOTS). Pillow lets go of the
    GIL while it works, so a few use every core; the rest of a worker's threads wait here
    rather than share the CPU, so a page or a static file served beside them still gets it,
    and memory holds a few decoded photos, not one per thread."""
    global _slots
    with _slots_made:
        if _slots is None:
            _slots = threading.Semaphore(current_app.config["PHOTO_PROCESSING_SLOTS"])
        return _slots


def read_upload(upload: FileStorage, watermark: Watermark) -> ProcessedPhoto:
    """One uploaded file through the pipeline. Raises pipeline.PhotoRejected (its wording is
    refusals.photo_refusal)."""
    data = upload.read()  # the phone's upload is received before a slot is taken
    with processing_slots():
        return process(data, watermark, budget=request_budget())
