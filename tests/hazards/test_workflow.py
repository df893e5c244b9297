"""The hazard lifecycle: every move for every role, and each guard the moves carry."""

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.common.errors import DomainError
from app.extensions import db
from app.hazards import workflow
from app.hazards.models import Hazard
from tests.factories import make_department, make_hazard, make_location, make_photo, make_user

STATUSES = ["reported", "assigned", "rectifying", "awaiting_verification", "closed", "cancelled"]
# Where each move starts from, and where it ends.
MOVE_PATHS = {
    "assign": ("reported", "assigned"),
    "start": ("assigned", "rectifying"),
    "submit": ("rectifying", "awaiting_verification"),
    "verify": ("awaiting_verification", "closed"),
    "reject": ("awaiting_verification", "rectifying"),
    "reopen": ("closed", "rectifying"),
    "cancel": ("rectifying", "cancelled"),
}
ACTORS = ["admin", "manager", "lead", "other_lead", "inspector", "viewer"]
MANAGE = {"admin", "manager"}
RECTIFY = {"admin", "manager", "lead"}
WHO_MAY = {"assign": MANAGE, "start": RECTIFY, "submit": RECTIFY, "verify": MANAGE,
           "reject": MANAGE, "reopen": MANAGE, "cancel": MANAGE}


def make_actor(who, hazard):
    if who == "lead":
        return make_user("dept_lead", department=hazard.department)
    if who == "other_lead":
        return make_user("dept_lead", department=make_department())
    return make_user(who)


def move_kwargs(action, actor):
    """What each move needs besides the actor: a reason, a cancel reason, after-photos."""
    kwargs = {"note": "reason"}
    if action == "cancel":
        kwargs["reason"] = "duplicate"
    if action in workflow.NEEDS_PHOTO:
        kwargs["photos"] = [make_photo(actor)]
    return kwargs


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("action", sorted(MOVE_PATHS))
def test_each_move_for_each_role(app, english, action, who):
    before, after = MOVE_PATHS[action]
    hazard = make_hazard(status=before)
    actor = make_actor(who, hazard)
    if who in WHO_MAY[action]:
        assert action in workflow.allowed_moves(hazard, actor)
        event = workflow.apply(hazard, action, actor=actor, **move_kwargs(action, actor))
        assert (hazard.status, event.action, event.actor_id) == (after, action, actor.id)
    else:
        events = len(hazard.events)
        assert action not in workflow.allowed_moves(hazard, actor)
        with pytest.raises(DomainError, match="may not"):
            workflow.apply(hazard, action, actor=actor, **move_kwargs(action, actor))
        assert hazard.status == before and len(hazard.events) == events


@pytest.mark.parametrize("who", ACTORS)
def test_allowed_moves_lists_what_the_role_may_do(app, who):
    hazard = make_hazard(status="awaiting_verification")
    expected = {"verify", "reject", "cancel"} if who in MANAGE else set()
    assert set(workflow.allowed_moves(hazard, make_actor(who, hazard))) == expected


FORBIDDEN = [(status, action) for action, move in sorted(workflow.MOVES.items())
             for status in STATUSES if status not in move.sources]


@pytest.mark.parametrize(("before", "action"), FORBIDDEN)
def test_moves_from_the_wrong_state_are_refused(app, english, before, action):
    hazard = make_hazard(status=before)
    admin = make_user("admin")
    with pytest.raises(DomainError, match="cannot be given"):
        workflow.apply(hazard, action, actor=admin, **move_kwargs(action, admin))
    assert hazard.status == before


def test_refusal_names_the_state_and_the_move(app, english):
    hazard = make_hazard(status="closed")
    with pytest.raises(DomainError) as refused:
        workflow.apply(hazard, "start", actor=make_user("manager"))
    assert refused.value.message == "A hazard that is Closed cannot be given “Start rectifying”."


# -- the five commitments (五落实) -------------------------------------------------------

@pytest.mark.parametrize("missing", ["measures", "responsible", "funds_yuan", "deadline_on",
                                     "contingency_plan"])
def test_major_hazard_needs_each_of_the_five_commitments_to_start(app, english, missing):
    hazard = make_hazard(status="assigned", level="major")
    hazard.responsible = make_user("dept_lead", department=hazard.department)
    setattr(hazard, missing, None)
    with pytest.raises(DomainError, match="five commitments"):
        workflow.apply(hazard, "start", actor=make_user("manager"))
    assert hazard.status == "assigned"


def test_major_hazard_with_all_five_commitments_starts(app):
    hazard = make_hazard(status="assigned", level="major")
    lead = make_user("dept_lead", department=hazard.department)
    hazard.responsible = lead
    workflow.apply(hazard, "start", actor=lead)
    assert hazard.status == "rectifying"


def test_general_hazard_starts_without_the_five_commitments(app):
    hazard = make_hazard(status="assigned")
    assert hazard.measures is None
    workflow.apply(hazard, "start", actor=make_user("manager"))
    assert hazard.status == "rectifying"


def test_plan_fills_the_commitments_as_one_event(app):
    hazard = make_hazard(status="assigned", level="major")
    lead = make_user("dept_lead", department=hazard.department)
    event = workflow.plan(hazard, actor=lead, measures="更换阀门", funds_yuan=1200.5,
                          contingency_plan="停用并值守", interim_controls="设警戒线")
    assert event.action == "plan"
    assert event.data["funds_yuan"] == [100.0, 1200.5]
    assert event.data["interim_controls"] == [None, "设警戒线"]
    assert hazard.status == "assigned" and float(hazard.funds_yuan) == 1200.5


def test_plan_without_changes_writes_no_event(app):
    hazard = make_hazard(status="assigned")
    events = len(hazard.events)
    assert workflow.plan(hazard, actor=make_user("manager"), measures="", funds_yuan=None,
                         contingency_plan="", interim_controls="") is None
    assert len(hazard.events) == events


@pytest.mark.parametrize("who", ["inspector", "viewer", "other_lead"])
def test_only_managers_and_the_departments_lead_may_plan(app, who):
    hazard = make_hazard(status="assigned")
    with pytest.raises(DomainError):
        workflow.plan(hazard, actor=make_actor(who, hazard), measures="x", funds_yuan=None,
                      contingency_plan="", interim_controls="")


def test_plan_refuses_negative_funds(app):
    hazard = make_hazard(status="assigned")
    with pytest.raises(DomainError) as refused:
        workflow.plan(hazard, actor=make_user("manager"), measures="x", funds_yuan=-1,
                      contingency_plan="", interim_controls="")
    assert refused.value.field == "funds_yuan"


def test_plan_is_closed_once_submitted(app):
    hazard = make_hazard(status="awaiting_verification")
    with pytest.raises(DomainError):
        workflow.plan(hazard, actor=make_user("manager"), measures="x", funds_yuan=None,
                      contingency_plan="", interim_controls="")


# -- verification ---------------------------------------------------------------------------

def test_rectifier_may_not_verify(app, english):
    hazard = make_hazard(status="rectifying")
    manager = make_user("manager")
    workflow.apply(hazard, "submit", actor=manager, photos=[make_photo(manager)])
    with pytest.raises(DomainError, match="other than"):
        workflow.apply(hazard, "verify", actor=manager)


def test_whoever_started_the_rectification_may_not_verify(app):
    hazard = make_hazard(status="assigned")
    manager, other = make_user("manager"), make_user("manager")
    workflow.apply(hazard, "start", actor=manager)
    workflow.apply(hazard, "submit", actor=other, photos=[make_photo(other)])
    with pytest.raises(DomainError):
        workflow.apply(hazard, "verify", actor=manager)


def test_a_rectifier_before_a_reopen_may_verify_the_new_work(app):
    hazard = make_hazard(status="assigned")
    first, second, third = make_user("manager"), make_user("manager"), make_user("admin")
    workflow.apply(hazard, "start", actor=first)
    workflow.apply(hazard, "submit", actor=first, photos=[make_photo(first)])
    workflow.apply(hazard, "verify", actor=second)
    workflow.apply(hazard, "reopen", actor=second, note="漏水复发")
    workflow.apply(hazard, "submit", actor=third, photos=[make_photo(third)])
    workflow.apply(hazard, "verify", actor=first)
    assert hazard.status == "closed" and hazard.verified_by_id == first.id


def test_submit_needs_an_after_photo(app, english):
    hazard = make_hazard(status="rectifying")
    with pytest.raises(DomainError, match="photo") as refused:
        workflow.apply(hazard, "submit", actor=make_user("manager"))
    assert refused.value.field == "photos"


def test_after_photos_hang_on_the_submit_event_and_enter_its_hash(app):
    hazard = make_hazard(status="rectifying")
    manager = make_user("manager")
    photo = make_photo(manager)
    event = workflow.apply(hazard, "submit", actor=manager, photos=[photo])
    db.session.flush()
    assert photo.hazard_event_id == event.id
    assert event.data["photos"] == [photo.sha256]
    assert event.hash == workflow.event_hash(hazard.number, event)


def test_verify_records_who_verified_and_when(app):
    hazard = make_hazard(status="awaiting_verification")
    manager = make_user("manager")
    at = datetime(2026, 11, 20, 3, 0)
    workflow.apply(hazard, "verify", actor=manager, at=at)
    assert (hazard.verified_by_id, hazard.verified_at, hazard.closed_at) == (manager.id, at, at)


def test_reject_returns_to_rectifying_and_clears_the_rectified_time(app):
    hazard = make_hazard(status="awaiting_verification")
    assert hazard.rectified_at is not None
    workflow.apply(hazard, "reject", actor=make_user("manager"), note="仍有渗漏")
    assert hazard.status == "rectifying" and hazard.rectified_at is None


def test_reject_needs_a_reason(app):
    with pytest.raises(DomainError) as refused:
        workflow.apply(make_hazard(status="awaiting_verification"), "reject",
                       actor=make_user("manager"), note="")
    assert refused.value.field == "note"


def test_reopen_clears_the_verification(app):
    hazard = make_hazard(status="closed")
    workflow.apply(hazard, "reopen", actor=make_user("manager"), note="复查发现仍存在")
    assert hazard.status == "rectifying"
    assert (hazard.verified_by_id, hazard.verified_at, hazard.closed_at) == (None, None, None)


def test_reopen_gives_a_fresh_default_deadline(app):
    hazard = make_hazard(status="closed")
    hazard.deadline_on = date(2026, 1, 10)
    at = datetime(2026, 11, 24, 2, 0)
    event = workflow.apply(hazard, "reopen", actor=make_user("manager"), note="复查", at=at)
    assert hazard.deadline_on == date(2026, 12, 1)
    assert event.data == {"deadline_on": "2026-12-01"}


# -- cancel -----------------------------------------------------------------------------------

def test_cancel_needs_a_reason(app):
    with pytest.raises(DomainError) as refused:
        workflow.apply(make_hazard(), "cancel", actor=make_user("manager"), note=" ",
                       reason="duplicate")
    assert refused.value.field == "note"


@pytest.mark.parametrize("reason", [None, "", "deleted"])
def test_cancel_needs_a_known_kind_of_reason(app, reason):
    with pytest.raises(DomainError) as refused:
        workflow.apply(make_hazard(), "cancel", actor=make_user("manager"), note="重复",
                       reason=reason)
    assert refused.value.field == "reason"


def test_cancelled_card_stays_with_its_reason(app):
    hazard = make_hazard()
    workflow.apply(hazard, "cancel", actor=make_user("manager"), note="同 YH-2026-00001",
                   reason="duplicate")
    db.session.flush()
    assert db.session.get(Hazard, hazard.id).cancel_reason == "duplicate"
    assert hazard.events[-1].data == {"reason": "duplicate"}


# -- rectified on the spot (现场整改) ---------------------------------------------------------

def test_finder_closes_a_general_hazard_rectified_on_the_spot(app):
    finder = make_user("inspector")
    hazard = make_hazard(reporter=finder)
    workflow.apply(hazard, "fix_on_site", actor=finder, photos=[make_photo(finder)],
                   note="已扶正气瓶并加链")
    assert hazard.status == "closed" and hazard.rectified_on_site
    assert hazard.rectified_at == hazard.closed_at


def test_on_the_spot_fix_needs_an_after_photo(app):
    finder = make_user("inspector")
    with pytest.raises(DomainError) as refused:
        workflow.apply(make_hazard(reporter=finder), "fix_on_site", actor=finder)
    assert refused.value.field == "photos"


@pytest.mark.parametrize("who", ["other_inspector", "manager"])
def test_only_the_finder_may_close_on_the_spot(app, english, who):
    hazard = make_hazard()
    actor = make_user(who.removeprefix("other_"))
    with pytest.raises(DomainError, match="Only the person who found"):
        workflow.apply(hazard, "fix_on_site", actor=actor, photos=[make_photo(actor)])


def test_a_major_hazard_cannot_be_closed_on_the_spot(app):
    finder = make_user("inspector")
    hazard = make_hazard(reporter=finder, level="major")
    assert "fix_on_site" not in workflow.allowed_moves(hazard, finder)
    with pytest.raises(DomainError):
        workflow.apply(hazard, "fix_on_site", actor=finder, photos=[make_photo(finder)])


def test_a_hazard_lowered_from_major_cannot_be_closed_on_the_spot(app, english):
    finder = make_user("inspector")
    hazard = make_hazard(reporter=finder, level="major")
    workflow.amend(hazard, actor=finder, level="general", description=hazard.description)
    assert "fix_on_site" not in workflow.allowed_moves(hazard, finder)
    with pytest.raises(DomainError, match="once reported as major") as refused:
        workflow.apply(hazard, "fix_on_site", actor=finder, photos=[make_photo(finder)])
    assert refused.value.forbidden and hazard.status == "reported"


def test_reopening_an_on_the_spot_fix_gives_it_a_deadline(app):
    finder = make_user("inspector")
    hazard = make_hazard(reporter=finder)
    workflow.apply(hazard, "fix_on_site", actor=finder, photos=[make_photo(finder)])
    at = datetime(2026, 11, 24, 2, 0)
    workflow.apply(hazard, "reopen", actor=make_user("manager"), note="未彻底", at=at)
    assert not hazard.rectified_on_site
    assert hazard.deadline_on == date(2026, 12, 1)


# -- direct reports -------------------------------------------------------------------------

def test_direct_report_carries_its_photos_on_the_first_event(app):
    finder = make_user("inspector")
    photo = make_photo(finder)
    hazard = workflow.report(finder, location=make_location(), description="楼道堆放杂物",
                             level="general", photos=[photo])
    assert hazard.item_result is None
    assert hazard.events[0].photos == [photo]
    assert hazard.events[0].data["photos"] == [photo.sha256]


def test_viewer_may_not_report(app):
    with pytest.raises(DomainError):
        workflow.report(make_user("viewer"), location=make_location(), description="x",
                        level="general")


# -- assignment and deadlines ------------------------------------------------------------------

def test_assign_event_records_the_responsible_person(app):
    hazard = make_hazard()
    lead = make_user("dept_lead", department=hazard.department)
    event = workflow.apply(hazard, "assign", actor=make_user("manager"), responsible=lead)
    assert hazard.responsible_id == lead.id
    assert event.data["responsible_id"] == lead.id
    assert event.hash == workflow.event_hash(hazard.number, event)


@pytest.mark.parametrize("who", ["viewer", "inspector", "other_lead", "disabled_lead"])
def test_assign_refuses_an_unsuitable_responsible_person(app, who):
    hazard = make_hazard()
    responsible = {
        "viewer": lambda: make_user("viewer"),
        "inspector": lambda: make_user("inspector", department=hazard.department),
        "other_lead": lambda: make_user("dept_lead", department=make_department()),
        "disabled_lead": lambda: make_user("dept_lead", department=hazard.department,
                                           active=False),
    }[who]()
    with pytest.raises(DomainError) as refused:
        workflow.apply(hazard, "assign", actor=make_user("manager"), responsible=responsible)
    assert refused.value.field == "responsible_id"
    assert hazard.status == "reported" and len(hazard.events) == 1


def test_assign_refuses_a_deadline_in_the_past(app):
    hazard = make_hazard()
    with pytest.raises(DomainError) as refused:
        workflow.apply(hazard, "assign", actor=make_user("manager"), deadline_on=date(2020, 1, 1))
    assert refused.value.field == "deadline_on"


# (found at, UTC) → default deadline of a general (7 days) and a major (30 days) hazard,
# counted from the day it was found in Shanghai.
DEADLINES = [
    (datetime(2026, 1, 31, 15, 59), date(2026, 2, 7), date(2026, 3, 2)),  # 23:59 local
    (datetime(2026, 1, 31, 16, 0), date(2026, 2, 8), date(2026, 3, 3)),  # 00:00 on 1 Feb
    (datetime(2026, 2, 24, 1, 0), date(2026, 3, 3), date(2026, 3, 26)),
    (datetime(2028, 2, 24, 1, 0), date(2028, 3, 2), date(2028, 3, 25)),  # a leap year
    (datetime(2026, 12, 31, 16, 30), date(2027, 1, 8), date(2027, 1, 31)),  # a new year
]


@pytest.mark.parametrize(("found_at", "general", "major"), DEADLINES)
def test_default_deadline_counts_local_days_across_month_ends(app, found_at, general, major):
    from app.hazards.deadlines import default_deadline

    assert default_deadline("general", found_at) == general
    assert default_deadline("major", found_at) == major


def test_default_deadline_follows_the_configured_time_zone(app):
    from app.hazards.deadlines import default_deadline

    found_at = datetime(2026, 1, 31, 20, 0)  # 1 Feb in Shanghai, still 31 Jan in New York
    app.config["HOSPITAL_TIMEZONE"] = "America/New_York"
    assert default_deadline("general", found_at) == date(2026, 2, 7)


def test_default_deadline_days_come_from_configuration(app):
    from app.hazards.deadlines import default_deadline

    app.config["DEADLINE_DAYS"] = {"general": 3, "major": 15}
    assert default_deadline("general", datetime(2026, 3, 30, 2, 0)) == date(2026, 4, 2)


def test_assign_counts_the_default_deadline_from_the_day_assigned(app):
    hazard = make_hazard(found_at=datetime(2026, 11, 20, 2, 0))
    hazard.deadline_on = None
    at = datetime(2026, 11, 30, 17, 0)  # 1 December in Shanghai
    workflow.apply(hazard, "assign", actor=make_user("manager"), at=at)
    assert hazard.deadline_on == date(2026, 12, 8)


def test_a_major_hazard_is_assigned_to_a_named_person(app, english):
    hazard = make_hazard(level="major")
    with pytest.raises(DomainError, match="named responsible person") as refused:
        workflow.apply(hazard, "assign", actor=make_user("manager"))
    assert refused.value.field == "responsible_id" and hazard.status == "reported"


def test_overdue_is_the_same_in_python_and_sql(app):
    late = make_hazard(status="rectifying")
    make_hazard(status="closed")
    today = late.deadline_on + timedelta(days=1)
    assert late.is_overdue(today) and not late.is_overdue(late.deadline_on)
    found = db.session.scalars(select(Hazard.number).where(Hazard.is_overdue(today))).all()
    assert found == [late.number]


# -- deadline extensions (延期) ----------------------------------------------------------------

def ask_for_more_time(hazard, days=14, **kwargs):
    lead = kwargs.pop("actor", None) or make_user("dept_lead", department=hazard.department)
    return workflow.request_extension(hazard, actor=lead,
                                      deadline_on=hazard.deadline_on + timedelta(days=days),
                                      reason=kwargs.pop("reason", "配件订购中"), **kwargs)


def test_approved_extension_moves_the_deadline_and_keeps_the_old_one(app):
    hazard = make_hazard(status="rectifying")
    first = hazard.deadline_on
    extension = ask_for_more_time(hazard)
    assert hazard.deadline_on == first  # nothing moves until a manager approves
    event = workflow.decide_extension(extension, actor=make_user("manager"), approve=True)
    assert hazard.deadline_on == first + timedelta(days=14)
    assert (extension.status, extension.old_deadline_on) == ("approved", first)
    assert event.data == {"from": first.isoformat(), "to": hazard.deadline_on.isoformat()}
    assert [e.action for e in hazard.events[-2:]] == ["extension_requested",
                                                      "extension_approved"]


def test_refused_extension_keeps_the_deadline(app):
    hazard = make_hazard(status="rectifying")
    first = hazard.deadline_on
    extension = ask_for_more_time(hazard)
    workflow.decide_extension(extension, actor=make_user("manager"), approve=False,
                              note="可先临时处置")
    assert hazard.deadline_on == first and extension.status == "refused"
    assert hazard.events[-1].action == "extension_refused"


def test_every_deadline_stays_in_the_history(app):
    hazard = make_hazard(status="rectifying")
    first = hazard.deadline_on
    manager = make_user("manager")
    workflow.decide_extension(ask_for_more_time(hazard, days=7), actor=manager, approve=True)
    workflow.decide_extension(ask_for_more_time(hazard, days=7), actor=manager, approve=True)
    approved = [e.data for e in hazard.events if e.action == "extension_approved"]
    assert [a["from"] for a in approved] == [first.isoformat(),
                                             (first + timedelta(days=7)).isoformat()]
    assert hazard.deadline_on == first + timedelta(days=14)


def test_refusing_an_extension_needs_a_reason(app):
    extension = ask_for_more_time(make_hazard(status="rectifying"))
    with pytest.raises(DomainError) as refused:
        workflow.decide_extension(extension, actor=make_user("manager"), approve=False)
    assert refused.value.field == "note"


def test_extension_must_ask_for_a_later_day(app):
    hazard = make_hazard(status="rectifying")
    with pytest.raises(DomainError) as refused:
        ask_for_more_time(hazard, days=0)
    assert refused.value.field == "deadline_on"


def test_extension_needs_a_reason(app):
    with pytest.raises(DomainError) as refused:
        ask_for_more_time(make_hazard(status="rectifying"), reason=" ")
    assert refused.value.field == "reason"


def test_only_one_extension_request_waits_at_a_time(app, english):
    hazard = make_hazard(status="rectifying")
    ask_for_more_time(hazard)
    with pytest.raises(DomainError, match="already waiting"):
        ask_for_more_time(hazard, days=20)


@pytest.mark.parametrize("who", ["lead", "inspector", "viewer"])
def test_only_a_manager_decides_an_extension(app, who):
    hazard = make_hazard(status="rectifying")
    extension = ask_for_more_time(hazard)
    with pytest.raises(DomainError):
        workflow.decide_extension(extension, actor=make_actor(who, hazard), approve=True)
    assert extension.status == "pending"


def test_the_asker_may_not_approve_their_own_extension(app, english):
    hazard = make_hazard(status="rectifying")
    manager = make_user("manager")
    extension = ask_for_more_time(hazard, actor=manager)
    with pytest.raises(DomainError, match="other than"):
        workflow.decide_extension(extension, actor=manager, approve=True)


@pytest.mark.parametrize("who", ["inspector", "viewer", "other_lead"])
def test_only_the_department_asks_for_more_time(app, who):
    hazard = make_hazard(status="rectifying")
    with pytest.raises(DomainError):
        ask_for_more_time(hazard, actor=make_actor(who, hazard))


def test_no_extension_for_a_hazard_awaiting_verification(app):
    with pytest.raises(DomainError):
        ask_for_more_time(make_hazard(status="awaiting_verification"))


@pytest.mark.parametrize("action", ["verify", "cancel"])
def test_closing_the_card_refuses_its_waiting_extension(app, action):
    hazard = make_hazard(status="rectifying")
    extension = ask_for_more_time(hazard)
    lead = make_user("dept_lead", department=hazard.department)
    if action == "verify":
        workflow.apply(hazard, "submit", actor=lead, photos=[make_photo(lead)])
    kwargs = {"reason": "duplicate", "note": "重复"} if action == "cancel" else {}
    event = workflow.apply(hazard, action, actor=make_user("manager"), **kwargs)
    assert extension.status == "refused" and extension.decided_at == event.at
    assert event.data["extension_refused"] == extension.id
    assert workflow.pending_extension(hazard) is None
    assert not workflow.may_decide_extension(hazard, make_user("manager"))


def test_extension_may_not_ask_for_a_day_already_past(app, english):
    hazard = make_hazard(status="rectifying")
    hazard.deadline_on = date(2026, 11, 1)
    with pytest.raises(DomainError, match="cannot be in the past"):
        workflow.request_extension(hazard, actor=make_user("manager"),
                                   deadline_on=date(2026, 11, 10), reason="配件",
                                   at=datetime(2026, 11, 24, 2, 0))


def test_an_extension_to_a_day_since_passed_cannot_be_approved(app, english):
    hazard = make_hazard(status="rectifying")
    extension = ask_for_more_time(hazard)
    later = datetime.combine(extension.requested_deadline_on + timedelta(days=2),
                             datetime.min.time())
    with pytest.raises(DomainError, match="already passed"):
        workflow.decide_extension(extension, actor=make_user("manager"), approve=True, at=later)
    assert extension.status == "pending"


def test_a_started_major_hazard_keeps_its_five_commitments(app, english):
    hazard = make_hazard(status="rectifying", level="major")
    with pytest.raises(DomainError, match="must stay filled"):
        workflow.plan(hazard, actor=make_user("manager"), measures="", funds_yuan=100,
                      contingency_plan="预案", interim_controls="")
    assert hazard.measures == "更换"


def test_a_decided_extension_cannot_be_decided_again(app):
    extension = ask_for_more_time(make_hazard(status="rectifying"))
    manager = make_user("manager")
    workflow.decide_extension(extension, actor=manager, approve=True)
    with pytest.raises(DomainError):
        workflow.decide_extension(extension, actor=manager, approve=False, note="x")


# -- the chain and the numbers ---------------------------------------------------------------

def test_events_are_chained_by_hash(app):
    hazard = make_hazard(status="closed")
    events = hazard.events
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev_hash == workflow.GENESIS_HASH
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.hash == workflow.event_hash(hazard.number, after)


def test_card_numbers_count_up_per_year(app):
    location = make_location()
    reporter = make_user()
    numbers = [workflow.report(reporter, location=location, description="x", level="general").number
               for _ in range(2)]
    year = numbers[0].split("-")[1]
    assert numbers == [f"YH-{year}-00001", f"YH-{year}-00002"]


def test_card_number_year_is_the_hospitals_local_year(app):
    reporter = make_user()
    # 2026-12-31 17:30 UTC is already 1 January 2027 in Shanghai.
    hazard = workflow.report(reporter, location=make_location(), description="x",
                             level="general", found_at=datetime(2026, 12, 31, 17, 30))
    assert hazard.number.startswith("YH-2027-")


def test_the_database_holds_one_waiting_extension_per_hazard(app):
    from sqlalchemy.exc import IntegrityError

    from app.hazards.models import DeadlineExtension

    hazard = make_hazard(status="rectifying")
    ask_for_more_time(hazard)
    # A second request racing past the check in request_extension meets the unique index.
    db.session.add(DeadlineExtension(hazard=hazard, requested_deadline_on=hazard.deadline_on,
                                     reason="again", requested_by_id=hazard.reported_by_id))
    with pytest.raises(IntegrityError):
        db.session.flush()
