"""Log in and out, one's own password, and the administration of users and departments."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from limits.errors import StorageError

from app.auth import logins, queries, services, tokens
from app.auth.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    DepartmentForm,
    LoginForm,
    NewUserForm,
    ResetPasswordForm,
    UnlockForm,
    UserForm,
)
from app.auth.models import ApiToken, Department, User
from app.auth.passwords import min_length
from app.auth.throttle import client_address, login_throttle, minutes_to_wait
from app.common.errors import DomainError
from app.common.forms import form_status, safe_next, show_domain_error, undo_refused
from app.common.permissions import require
from app.extensions import db

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), form_status(form)
    try:
        result = logins.attempt_login(form.username.data, form.password.data,
                                      address=client_address())
    except StorageError:
        # The shared throttle storage (Redis) is unreachable: refuse rather than stop counting.
        undo_refused()
        form.form_errors.append(_("Logging in is not possible for a moment. Try again in a "
                                  "minute; if it goes on, tell the administrator."))
        page = render_template("auth/login.html", form=form)
        return page, 503, {"Retry-After": "60"}
    db.session.commit()
    if result.user is not None:
        # A phone stays logged in across restarts, so its outbox can send by itself.
        login_user(result.user, remember=True)
        return redirect(safe_next(form.next.data) or url_for("main.index"))
    if result.wait_seconds:
        minutes = minutes_to_wait(result.wait_seconds)
        form.form_errors.append(ngettext(
            "Too many failed logins. Try again in %(num)d minute.",
            "Too many failed logins. Try again in %(num)d minutes.", minutes))
        page = render_template("auth/login.html", form=form)
        return page, 429, {"Retry-After": str(minutes * 60)}
    form.form_errors.append(_("Wrong username or password, or the account is disabled."))
    return render_template("auth/login.html", form=form), 400


@bp.post("/logout")
@login_required
def logout():
    services.log_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html", tokens=tokens.tokens_of(current_user))


@bp.post("/account/theme")
@login_required
def set_theme():
    try:
        services.set_theme(current_user, request.form.get("theme", ""))
    except DomainError as e:
        undo_refused()
        page = render_template("auth/account.html", tokens=tokens.tokens_of(current_user),
                               theme_error=e)
        return page, 400
    db.session.commit()
    flash(_("Appearance saved."), "success")
    return redirect(url_for(".account"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    user = current_user._get_current_object()
    services.end_other_sessions(user)
    db.session.commit()
    login_user(user, remember=True)  # this device carries the new session version
    flash(_("Your other devices are logged out."), "success")
    return redirect(url_for(".account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_own_password(user, form.current_password.data,
                                         form.new_password.data)
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            login_user(user, remember=True)  # this device stays; every other one is out
            flash(_("Your password is changed. Your other devices are logged out."), "success")
            return redirect(url_for(".account"))
    return render_template("auth/password.html", form=form,
                           min_length=min_length()), form_status(form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    """Personal API tokens: for an integration that calls the JSON API as this user."""
    error, secret, form = None, None, ApiTokenForm()
    if form.validate_on_submit():
        try:
            token, secret = tokens.create_api_token(current_user, form.name.data or "")
        except DomainError as e:
            undo_refused()
            error = e
        else:
            db.session.commit()
    page = render_template("auth/tokens.html", tokens=tokens.tokens_of(current_user),
                           secret=secret, error=error,
                           name=form.name.data or "" if error else "")
    return page, 400 if error else 200


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    tokens.revoke_api_token(current_user, token)
    db.session.commit()
    flash(_("The token “%(name)s” is revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for(".api_tokens"))


# Administration of accounts and departments.


@bp.get("/admin/users")
@require("admin.manage")
def users():
    """Every account; `?locked=1`: only those locked by failed logins."""
    now = login_throttle().now()
    only_locked = request.args.get("locked") == "1"
    locked = queries.locked_users(now)
    return render_template("auth/users.html", now=now, only_locked=only_locked,
                           users=locked if only_locked else queries.users(),
                           locked_count=len(locked))


@bp.post("/admin/users/<int:user_id>/unlock")
@require("admin.manage")
def unlock_user(user_id):
    user, form = db.get_or_404(User, user_id), UnlockForm()
    try:
        logins.unlock(current_user, user)
    except StorageError:
        undo_refused()
        flash(_("The login counters cannot be reached just now; nothing was unlocked. Try "
                "again in a minute."), "error")
        return redirect(url_for(".users"))
    db.session.commit()
    flash(_("%(name)s can log in again.", name=user.username), "success")
    return redirect(safe_next(form.next.data) or url_for(".users"))


def _department(form):
    return db.session.get(Department, form.department_id.data) if form.department_id.data else None


@bp.route("/admin/users/new", methods=["GET", "POST"])
@require("admin.manage")
def create_user():
    form = NewUserForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                current_user, username=form.username.data, full_name=form.full_name.data,
                role=form.role.data, password=form.password.data, department=_department(form),
                email=form.email.data, phone=form.phone.data,
            )
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for(".users"))
    page = render_template("auth/user_form.html", form=form, user=None, min_length=min_length())
    return page, form_status(form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@require("admin.manage")
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user)
    reset = ResetPasswordForm(prefix="reset")
    if form.validate_on_submit():
        try:
            services.update_user(
                current_user, user, full_name=form.full_name.data, role=form.role.data,
                department=_department(form), email=form.email.data, phone=form.phone.data,
                active=form.active.data,
            )
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("User %(name)s saved.", name=user.username), "success")
            return redirect(url_for(".users"))
    return _user_page(user, form, reset), form_status(form)


def _user_page(user, form, reset):
    return render_template("auth/user_form.html", form=form, user=user, reset=reset,
                           now=login_throttle().now(), min_length=min_length())


@bp.post("/admin/users/<int:user_id>/password")
@require("admin.manage")
def reset_password(user_id):
    user = db.get_or_404(User, user_id)
    reset = ResetPasswordForm(prefix="reset")
    if reset.validate_on_submit():
        try:
            services.reset_password(current_user, user, reset.password.data)
        except DomainError as e:
            show_domain_error(reset, e)
        else:
            db.session.commit()
            if user.id == current_user.id:
                login_user(user, remember=True)
                flash(_("Your password is changed. Your other devices are logged out."),
                      "success")
            else:
                flash(_("New password set for %(name)s: they are logged out everywhere and "
                        "must change it when they next log in.", name=user.username), "success")
            return redirect(url_for(".users"))
    return _user_page(user, UserForm(obj=user), reset), 400


@bp.get("/admin/departments")
@require("admin.manage")
def departments():
    return render_template("auth/departments.html",
                           departments=queries.departments(include_inactive=True))


@bp.route("/admin/departments/new", methods=["GET", "POST"])
@bp.route("/admin/departments/<int:department_id>", methods=["GET", "POST"])
@require("admin.manage")
def edit_department(department_id=None):
    department = db.get_or_404(Department, department_id) if department_id else None
    form = DepartmentForm(obj=department)
    if form.validate_on_submit():
        try:
            services.save_department(
                current_user, department, code=form.code.data, name_zh=form.name_zh.data,
                name_en=form.name_en.data, active=form.is_active.data,
            )
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("Department saved."), "success")
            return redirect(url_for(".departments"))
    return render_template("auth/department_form.html", form=form,
                           department=department), form_status(form)
