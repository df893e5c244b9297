"""What a person reads when the pipeline refuses a photo: one sentence for each of its reasons
(pipeline.REASONS), the same on the pages and over the API."""

from flask_babel import gettext as _


def photo_refusal(reason: str) -> str:
    """A sentence for each reason the pipeline refuses a photo."""
    return {
        "empty": _("The photo file is empty. Take it again."),
        "too_large": _("The photo is too large. Take it again at a lower resolution."),
        "not_an_image": _("This file is not a photo. Choose a JPEG, PNG or WebP picture."),
        "unsupported_format": _("This picture format is not accepted. Use JPEG, PNG or WebP."),
        "truncated": _("The photo arrived incomplete. Take or choose it again."),
        "too_many_pixels": _("The picture has too many pixels to be a camera photo."),
        "heif": _("HEIC photos (the iPhone's own format) are not accepted. Use JPEG, PNG or "
                  "WebP: on the iPhone, Settings › Camera › Formats › Most Compatible."),
        "too_costly": _("This picture would take too much memory to read. Send a JPEG photo, "
                        "or the picture at a smaller size."),
        "animated": _("Moving pictures are not accepted. Send a still photo (JPEG, PNG or "
                      "WebP)."),
        "over_request_budget": _("Too many large photos were sent at once, so this one was not "
                                 "read. Add it again and send the form."),
    }.get(reason, _("The photo could not be read."))
