"""A recurring card to test the review with."""

from datetime import datetime, timedelta

from app.hazards import workflow
from app.ledger.queries import HAZARD_COLUMNS
from tests.factories import (
    make_failed_item_hazard,
    make_location,
    make_photo,
    make_template,
    make_user,
)

T0 = datetime(2026, 6, 1, 2, 0)
TEXTS = {"cause": "阀门老化", "responsibility": "班组长已约谈", "measures": "更换阀门",
         "training": "全科培训一次"}


def recurring_card(status="reported"):
    """A recurring card walked to `status` (the earlier card stays open)."""
    location = make_location()
    version = make_template(location.location_type, items=2).current_version
    make_failed_item_hazard(location, version, at=T0)
    hazard = make_failed_item_hazard(location, version, at=T0 + timedelta(days=1))
    manager, lead = make_user("manager"), make_user("dept_lead", department=hazard.department)
    steps = ["assign", "start", "submit"][:["reported", "assigned", "rectifying",
                                           "awaiting_verification"].index(status)]
    for action in steps:
        actor = manager if action == "assign" else lead
        photos = [make_photo(lead)] if action == "submit" else ()
        workflow.apply(hazard, action, actor=actor, photos=photos)
    return hazard

# Where the ledger keeps the "Recurring" column (other columns follow it).
RECURRING = [column.header._args[0] for column in HAZARD_COLUMNS].index("Recurring")
