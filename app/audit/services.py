"""Writing audit records."""

from app.audit.models import AuditRecord
from app.extensions import db


def record(actor, action: str, target, details: dict | None = None) -> AuditRecord:
    """Append an audit record for `action` by `actor` on `target` (flushed, not committed)."""
    db.session.flush()
    return record_about(actor, action, type(target).__tablename__, target.id, details)


def record_about(actor, action: str, target_type: str, target_id: int | None,
                 details: dict | None = None) -> AuditRecord:
    """Append an audit record about a target that may have no row: a login attempt for a
    username that names nobody, or a client address (target_id None)."""
    entry = AuditRecord(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details or {},
    )
    db.session.add(entry)
    return entry
