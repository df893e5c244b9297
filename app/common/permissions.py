"""Who may do what: the one table every view, template and service asks."""

from functools import wraps

from flask import abort, current_app
from flask_login import current_user

ROLES = ("admin", "manager", "dept_lead", "inspector", "viewer")
EVERYONE = frozenset(ROLES)

# A permission names an ability; its value is the set of roles that have it.
PERMISSIONS: dict[str, frozenset[str]] = {
    "locations.view": EVERYONE,
    "inspections.view": EVERYONE,
    "inspections.perform": frozenset({"admin", "manager", "dept_lead", "inspector"}),
    # Who walks rounds: a label opens the checklist, the home page lists the round.
    "inspections.round": frozenset({"dept_lead", "inspector"}),
    "hazards.view": EVERYONE,
    "hazards.rectify": frozenset({"admin", "manager", "dept_lead"}),
    "hazards.manage": frozenset({"admin", "manager"}),
    "labels.print": frozenset({"admin", "manager"}),
    "ledgers.export": frozenset({"admin", "manager", "dept_lead", "viewer"}),
    "coverage.view": EVERYONE,
    "schedules.manage": frozenset({"admin", "manager"}),
    "dashboard.view": frozenset({"admin", "manager", "viewer"}),
    "displays.manage": frozenset({"admin", "manager"}),
    "admin.manage": frozenset({"admin"}),
    # The quarterly department assessment: all departments, or a lead's own.
    "assessment.view": frozenset({"admin", "manager", "dept_lead", "viewer"}),
}

# Roles that see every department's records; the others see their own department's.
ALL_DEPARTMENT_ROLES = frozenset({"admin", "manager", "viewer", "inspector"})


def can(user, permission: str) -> bool:
    """Whether `user` (logged in and active) has `permission`."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in PERMISSIONS[permission]
    )


def sees_all_departments(user) -> bool:
    return user.role in ALL_DEPARTMENT_ROLES


def _gate(permission: str, if_anonymous):
    """A view decorator: `if_anonymous()` answers nobody logged in; then 403 unless the user has
    `permission`."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return if_anonymous()
            if not can(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = permission
        return wrapped

    return decorator


def require(permission: str):
    """For pages: log in first (Flask-Login's redirect), then 403 unless the user has
    `permission`."""
    return _gate(permission, lambda: current_app.login_manager.unauthorized())


def require_api(permission: str):
    """For the JSON API: 401 when nobody is logged in (no redirect), then 403 unless the user
    has `permission`. The same table decides."""
    return _gate(permission, lambda: abort(401))


def scope_to_department(query, user, department_column):
    """Limit `query` to the user's department unless the role sees all departments."""
    if sees_all_departments(user):
        return query
    return query.where(department_column == user.department_id)


def sees_department(user, department_id: int) -> bool:
    """Whether the user may see records owned by `department_id`."""
    return sees_all_departments(user) or user.department_id == department_id
