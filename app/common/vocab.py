"""The domain's fixed words: stored codes and the labels people read, in one place."""

from flask_babel import lazy_gettext as _l

RISK_LEVELS = {  # 四色风险
    "red": _l("Red — major risk"),
    "orange": _l("Orange — high risk"),
    "yellow": _l("Yellow — moderate risk"),
    "blue": _l("Blue — low risk"),
}
RISK_SHORT = {
    "red": _l("Red"),
    "orange": _l("Orange"),
    "yellow": _l("Yellow"),
    "blue": _l("Blue"),
}
INSPECTION_KINDS = {
    "patrol": _l("Patrol"),  # 巡查
    "self_check": _l("Department self-check"),  # 科室自查
    "leadership": _l("Leadership inspection"),  # 院级大检查
    "special": _l("Special inspection"),  # 专项检查
}
ITEM_KINDS = {
    "pass_fail": _l("Pass / fail / not applicable"),
    "number": _l("Number with allowed range"),
    "text": _l("Text"),
    "photo": _l("Photo"),
}
OUTCOMES = {
    "pass": _l("Pass"),
    "fail": _l("Fail"),
    "na": _l("Not applicable"),
}
HAZARD_LEVELS = {
    "general": _l("General hazard"),  # 一般隐患
    "major": _l("Major hazard"),  # 重大隐患
}
HAZARD_STATUSES = {
    "reported": _l("Reported"),
    "assigned": _l("Assigned"),
    "rectifying": _l("Rectifying"),
    "awaiting_verification": _l("Awaiting verification"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}
OPEN_HAZARD_STATUSES = ("reported", "assigned", "rectifying", "awaiting_verification")
CANCEL_REASONS = {
    "duplicate": _l("Duplicate of another card"),  # 重复上报
    "false_report": _l("False report: no hazard there"),  # 误报
    "other": _l("Other reason"),
}
EVENT_LABELS = {  # the timeline of a hazard card
    "report": _l("Reported"),
    "amend": _l("Corrected by the finder"),
    "plan": _l("Rectification plan updated"),
    "assign": _l("Assigned"),
    "start": _l("Rectification started"),
    "submit": _l("Submitted for verification"),
    "verify": _l("Verified and closed"),
    "reject": _l("Rejected: rectify again"),
    "reopen": _l("Reopened"),
    "cancel": _l("Cancelled"),
    "fix_on_site": _l("Rectified on the spot"),
    "extension_requested": _l("More time asked for"),
    "extension_approved": _l("Extension approved"),
    "extension_refused": _l("Extension refused"),
    "review": _l("Four-don'ts review filed"),  # 四不放过
    "reassign": _l("Reassigned"),  # 改派
    "supervise": _l("Supervised: escalated to hospital leadership"),  # 督办
}
EXTENSION_STATUSES = {
    "pending": _l("Waiting for a decision"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
}
FREQUENCIES = {
    "shift": _l("Every shift"),
    "daily": _l("Daily"),
    "weekly": _l("Weekly"),
    "monthly": _l("Monthly"),
    "quarterly": _l("Quarterly"),
}
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "manager": _l("Safety manager"),
    "dept_lead": _l("Department safety lead"),
    "inspector": _l("Patrol inspector"),
    "viewer": _l("Viewer"),
}
THEMES = {  # 外观: night mode, kept per account
    "auto": _l("Automatic"),  # 自动: follows the phone's setting
    "light": _l("Light"),
    "dark": _l("Dark"),
}
REVIEW_FIELDS = {  # 四不放过: the four-don'ts review of a recurring or major hazard
    "cause": _l("Cause found"),  # 原因未查清不放过
    # 责任人员未处理不放过
    "responsibility": _l("Who is responsible, and what was done about them"),
    "measures": _l("Measures taken"),  # 整改措施未落实不放过
    "training": _l("Training given"),  # 有关人员未受到教育不放过
}
