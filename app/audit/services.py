"""Writing audit records."""

from app.audit.models import AuditRecord
from app.extensions import db


def record(actor, action: str, target, details: dict | None = None) -> AuditRecord:
    """Append an audit record for `action` by `actor` on `target` (flushed, not committed)."""
    db.session.flush()
    entry = AuditRecord(
        actor_id=getattr(actor, "id", None),
        action=action,
        target_type=type(target).__tablename__,
        target_id=target.id,
        details=details or {},
    )
    db.session.add(entry)
    return entry
