"""/healthz and /readyz for a monitor or a load balancer: JSON, no login, never cached; and the
low-storage warning that administrators see on every page."""

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from app.common.permissions import can
from app.health.checks import readiness
from app.health.space import format_size, low_space

bp = Blueprint("health", __name__)

# A monitor that finds the app not ready asks again after this long.
RETRY_AFTER_SECONDS = 10


@bp.get("/healthz")
def live():
    """The process answers (nothing else is asked: a restart would not mend the database)."""
    return _uncached(jsonify(status="alive"))


@bp.get("/readyz")
def ready():
    """Whether this process can do its work now: 200, or 503 with the checks that failed."""
    checks = readiness()
    is_ready = all(check.ok for check in checks)
    response = jsonify(status="ready" if is_ready else "not ready",
                       checks={c.name: {"ok": c.ok, "reason": c.reason} for c in checks})
    if not is_ready:
        response.status_code = 503
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _uncached(response)


def _uncached(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def storage_warning():
    """For administrators only, on every page: photo storage needs attention."""
    if not can(current_user, "admin.manage"):
        return {}
    low = low_space()
    if low is None:
        return {}
    free, minimum = low
    if free is None:
        return {"storage_warning": _("Photo storage cannot be read: photo uploads will fail "
                                     "until it is fixed.")}
    return {"storage_warning": _(
        "Photo storage is nearly full: %(free)s left, less than the %(minimum)s set by "
        "PHOTO_MIN_FREE_MB. Free space or add disk before photo uploads are refused.",
        free=format_size(free), minimum=format_size(minimum))}
