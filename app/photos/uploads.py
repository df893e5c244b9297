"""Reading photos out of a request: the files posted, each through the pipeline within the
decoding budget the request's photos share."""

import threading
from dataclasses import replace

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


def originals_field(field: str) -> str:
    """Where a form posts the untouched originals of the photos marked in `field`."""
    return f"{field}-originals"


def posted_pairs(files: MultiDict, field: str
                 ) -> list[tuple[FileStorage, FileStorage | None]]:
    """The files posted in `field`, each with its untouched original when it was marked on the
    phone: the file of the same name in `originals_field(field)`. An original whose marked copy
    is missing is left out (the marked copy is the evidence; an original alone is not)."""
    originals = {upload.filename: upload
                 for upload in posted_files(files, originals_field(field))}
    return [(upload, originals.get(upload.filename)) for upload in posted_files(files, field)]


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


def read_upload(upload: FileStorage, watermark: Watermark,
                original: FileStorage | None = None) -> ProcessedPhoto:
    """One uploaded file through the pipeline, with the untouched original it was marked on, if
    any (processed alike, carried as `original`). Raises pipeline.PhotoRejected (its wording is
    refusals.photo_refusal)."""
    data = upload.read()  # the phone's upload is received before a slot is taken
    original_data = original.read() if original is not None else None
    with processing_slots():
        processed = process(data, watermark, budget=request_budget())
        if original_data is None:
            return processed
        return replace(processed, original=process(original_data, watermark,
                                                   budget=request_budget()))
