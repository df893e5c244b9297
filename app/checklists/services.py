"""Editing checklist templates; a used version is frozen, so editing it forks a new one."""

from flask_babel import gettext as _
from sqlalchemy import column, exists, func, select, table

from app.audit.services import record
from app.checklists.models import ChecklistItem, ChecklistTemplate, ChecklistVersion
from app.common.errors import DomainError
from app.common.vocab import HAZARD_LEVELS, INSPECTION_KINDS, ITEM_KINDS
from app.extensions import db

# Inspections are named, not imported: checklists come before the inspections filled in on them.
INSPECTIONS = table("inspections", column("version_id"))

ITEM_FIELDS = (
    "kind", "prompt_zh", "prompt_en", "guidance_zh", "guidance_en", "is_required",
    "photo_required_on_fail", "photo_required", "default_level", "min_value", "max_value", "unit",
)


def is_used(version: ChecklistVersion) -> bool:
    """Whether the version was served to an inspector or an inspection was filled in on it."""
    if version.first_served_at is not None:
        return True
    return bool(
        version.id
        and db.session.scalar(select(exists().where(INSPECTIONS.c.version_id == version.id)))
    )


def _lock(template: ChecklistTemplate) -> None:
    """Lock the template row (PostgreSQL; SQLite writers queue anyway) and re-read its versions,
    so that serving a version and editing it cannot cross."""
    db.session.execute(
        select(ChecklistTemplate.id).where(ChecklistTemplate.id == template.id).with_for_update()
    )
    db.session.refresh(template, ["versions"])


def mark_served(version: ChecklistVersion, now) -> None:
    """Freeze the version: an inspector has it now, perhaps offline."""
    if version.first_served_at is None:
        _lock(version.template)
        version.first_served_at = now
        db.session.flush()


def create_template(actor, *, location_type, name_zh: str, name_en: str) -> ChecklistTemplate:
    """A new template for a location type that has none, with an empty first version."""
    taken = select(func.count()).select_from(ChecklistTemplate).where(
        ChecklistTemplate.location_type_id == location_type.id
    )
    if db.session.scalar(taken):
        raise DomainError(_("This location type has a checklist already; edit that one."),
                          "location_type_id")
    template = ChecklistTemplate(
        location_type=location_type, name_zh=name_zh.strip(), name_en=name_en.strip()
    )
    template.versions.append(ChecklistVersion(number=1, created_by_id=getattr(actor, "id", None)))
    db.session.add(template)
    db.session.flush()
    if actor is not None:
        record(actor, "checklist.create", template)
    return template


def rename_template(actor, template: ChecklistTemplate, *, name_zh: str, name_en: str,
                    quick_pass_kinds=None) -> None:
    """Names, and the inspection kinds whose checklist offers "all remaining pass"."""
    kinds = [k for k in INSPECTION_KINDS if k in (quick_pass_kinds or ())]
    template.name_zh = name_zh.strip()
    template.name_en = name_en.strip()
    template.quick_pass_kinds = ",".join(kinds)
    record(actor, "checklist.rename", template)
    db.session.flush()


def editable_version(actor, template: ChecklistTemplate) -> ChecklistVersion:
    """The current version if no inspection used it, else a new copy of it to edit."""
    _lock(template)  # two editors cannot both fork version N+1
    current = template.current_version
    if current is not None and not is_used(current):
        return current
    fork = ChecklistVersion(
        number=(current.number + 1) if current else 1,
        created_by_id=getattr(actor, "id", None),
        note=_("Edited after version %(n)d was used", n=current.number) if current else "",
    )
    # Appended through the template, the fork joins the session before any autoflush.
    template.versions.append(fork)
    for item in current.items if current else ():
        fork.items.append(ChecklistItem(position=item.position, item_key=item.item_key,
                                        **{f: getattr(item, f) for f in ITEM_FIELDS}))
    db.session.add(fork)
    db.session.flush()
    return fork


def _check_item(fields: dict) -> dict:
    if fields.get("kind") not in ITEM_KINDS:
        raise DomainError(_("Choose one of the listed item kinds."), "kind")
    if fields.get("default_level") not in HAZARD_LEVELS:
        raise DomainError(_("Choose general or major."), "default_level")
    low, high = fields.get("min_value"), fields.get("max_value")
    if fields["kind"] == "number":
        if low is None and high is None:
            raise DomainError(_("A number item needs a lowest or a highest allowed value."),
                              "min_value")
        if low is not None and high is not None and low > high:
            raise DomainError(_("The lowest allowed value is above the highest."), "min_value")
    elif low is not None or high is not None or fields.get("unit"):
        raise DomainError(_("Only number items have an allowed range and a unit."), "min_value")
    cleaned = {f: fields.get(f) for f in ITEM_FIELDS}
    for text in ("prompt_zh", "prompt_en", "guidance_zh", "guidance_en", "unit"):
        cleaned[text] = (cleaned[text] or "").strip()
    for flag in ("is_required", "photo_required_on_fail", "photo_required"):
        cleaned[flag] = bool(cleaned[flag])
    return cleaned


def add_item(actor, template: ChecklistTemplate, **fields) -> ChecklistItem:
    """Append an item to the template (in a new version if the current one was used)."""
    cleaned = _check_item(fields)
    version = editable_version(actor, template)
    position = max((i.position for i in version.items), default=0) + 1
    item = ChecklistItem(position=position, **cleaned)
    version.items.append(item)
    record(actor, "checklist.add_item", template, {"version": version.number})
    db.session.flush()
    return item


def _item_at(version: ChecklistVersion, position: int) -> ChecklistItem:
    for item in version.items:
        if item.position == position:
            return item
    raise DomainError(_("That item is no longer on the checklist; reload the page."))


def update_item(actor, template: ChecklistTemplate, position: int, **fields) -> ChecklistItem:
    """Change the item at `position` (addressed by position: ids change between versions)."""
    cleaned = _check_item(fields)
    _item_at(template.current_version, position)
    version = editable_version(actor, template)
    item = _item_at(version, position)
    for name, value in cleaned.items():
        setattr(item, name, value)
    record(actor, "checklist.update_item", template,
           {"version": version.number, "position": position})
    db.session.flush()
    return item


def remove_item(actor, template: ChecklistTemplate, position: int) -> None:
    """Take the item at `position` off the checklist and close the gap."""
    _item_at(template.current_version, position)
    version = editable_version(actor, template)
    version.items.remove(_item_at(version, position))
    db.session.flush()
    _renumber(version)
    record(actor, "checklist.remove_item", template,
           {"version": version.number, "position": position})


def move_item(actor, template: ChecklistTemplate, position: int, offset: int) -> None:
    """Move the item at `position` one place up (offset -1) or down (+1)."""
    current = template.current_version
    _item_at(current, position)
    target = position + offset
    if not 1 <= target <= len(current.items):
        return
    version = editable_version(actor, template)
    a, b = _item_at(version, position), _item_at(version, target)
    order = sorted(version.items, key=lambda i: i.position)
    order[order.index(a)], order[order.index(b)] = b, a
    _renumber(version, order)
    record(actor, "checklist.move_item", template, {"version": version.number})


def _renumber(version: ChecklistVersion, order=None) -> None:
    # Positions are unique per version: park them out of the way before renumbering.
    order = order or sorted(version.items, key=lambda i: i.position)
    for i, item in enumerate(order, start=1):
        item.position = -i
    db.session.flush()
    for item in order:
        item.position = -item.position
    db.session.flush()
