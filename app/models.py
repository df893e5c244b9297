"""Every model, imported once so that SQLAlchemy and migrations see the whole schema."""

from app.audit.models import AuditRecord
from app.auth.models import Department, User
from app.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from app.dashboard.models import ChangeCounter
from app.hazards.models import DeadlineExtension, Hazard, HazardCounter, HazardEvent
from app.inspections.models import Inspection, ItemResult
from app.locations.models import Location, LocationType
from app.notices.models import Notice
from app.photos.models import Photo
from app.recurrence.models import HazardRecurrence
from app.schedules.models import InspectionSchedule
from app.settings.models import Setting
from app.wall.models import DisplayToken

__all__ = [
    "AuditRecord",
    "ChangeCounter",
    "ChecklistItem",
    "ChecklistTemplate",
    "ChecklistVersion",
    "DeadlineExtension",
    "Department",
    "DisplayToken",
    "Hazard",
    "HazardCounter",
    "HazardEvent",
    "HazardRecurrence",
    "Inspection",
    "InspectionSchedule",
    "ItemResult",
    "Location",
    "LocationType",
    "Notice",
    "Photo",
    "Setting",
    "User",
]
