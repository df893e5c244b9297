"""Photos over the API: each uploaded on its own, idempotent by the client's UUID, so that a
weak link repeats only the photo that broke. An inspection or hazard move then names them."""

from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from app.api import schemas
from app.api.errors import abort_label_replaced, refuse
from app.api.multipart import MultipartBlueprint
from app.api.problems import problem
from app.common.errors import DomainError
from app.common.permissions import require_api
from app.common.time import believable_device_time, utcnow
from app.extensions import db
from app.inspections.services import may_inspect
from app.locations.models import Location
from app.locations.queries import location_by_token
from app.photos.pipeline import PhotoRejected
from app.photos.refusals import photo_refusal
from app.photos.services import repeated_upload, stage_photo
from app.photos.uploads import read_upload
from app.photos.watermark import watermark_for

blp = MultipartBlueprint("photos_api", __name__, url_prefix="/api/v1/photos",
                description="Photo uploads (照片), one at a time.")


@blp.route("")
class PhotosView(MethodView):
    @require_api("inspections.perform")
    @blp.arguments(schemas.PhotoUpload, location="form_and_files")
    @blp.response(201, schemas.PhotoOut)
    @blp.alt_response(200, schema=schemas.PhotoOut,
                      description="The same uuid was uploaded before: that photo.")
    def post(self, form):
        """Upload one photo (JPEG, PNG or WebP, at most 25 MB). It is turned upright, shrunk,
        stripped of its metadata and stamped with the place, time and person. A photo marked
        on the phone comes with its untouched `original` in the same request.

        A still JPEG may have up to 50 megapixels (16 if progressive); a PNG or WebP, decoded
        whole, up to 6 (3000 × 2000; a WebP with transparency about 5). A refusal (422) says
        why in `errors.file`, in the user's language."""
        client_uuid = str(form["uuid"])
        try:  # before any image work: a retry costs one query
            previous = repeated_upload(client_uuid, current_user)
        except DomainError as e:
            refuse(e, "photo.uuid_conflict")
        if previous is not None:
            return previous, 200
        location = _location(form)
        now = utcnow()
        shot_at = believable_device_time(form["taken_at"], now, default=now)
        try:
            processed = read_upload(form["file"], watermark_for(location, current_user, shot_at),
                                    form["original"])
        except PhotoRejected as refused:
            problem(f"photo.{refused.reason}", errors={"file": [photo_refusal(refused.reason)]})
        try:
            photo, created = stage_photo(processed, current_user, client_uuid=client_uuid,
                                         device_taken_at=form["taken_at"], now=now)
        except DomainError as e:
            db.session.rollback()
            refuse(e, "photo.not_saved")
        db.session.commit()
        return photo, 201 if created else 200


def _location(form) -> Location:
    """The place the photo is of (for its watermark), by QR token or code; one the user may
    inspect."""
    if form.get("location_token"):
        location = location_by_token(form["location_token"])
    elif form.get("location_code"):
        location = db.session.scalar(db.select(Location).where(
            Location.code == form["location_code"], Location.is_active))
    else:
        problem("photo.place_missing",
                errors={"location_token": [_("Give location_token or location_code.")]})
    if location is None:
        abort_label_replaced()
    if not may_inspect(current_user, location):
        problem("inspection.place_forbidden")
    return location
