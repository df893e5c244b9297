"""Log in and out, one's own password, and the administration of users and departments."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import queries, services, tokens
from app.auth.forms import (
    ChangePasswordForm,
    DepartmentForm,
    LoginForm,
    NewUserForm,
    ResetPasswordForm,
    UserForm,
)
from app.auth.models import ApiToken, Department, User
from app.common.errors import DomainError
from app.common.forms import form_status, safe_next, show_domain_error
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
    if form.validate_on_submit():
        user = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            # A phone stays logged in across restarts, so its outbox can send by itself.
            login_user(user, remember=True)
            return redirect(safe_next(form.next.data) or url_for("main.index"))
        form.form_errors.append(_("Wrong username or password, or the account is disabled."))
    return render_template("auth/login.html", form=form), form_status(form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("Your password is changed."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form), form_status(form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens():
    """Personal API tokens: for an integration that calls the JSON API as this user."""
    error, secret = None, None
    if request.method == "POST":
        try:
            token, secret = tokens.create_api_token(current_user, request.form.get("name", ""))
        except DomainError as e:
            error = e
        else:
            db.session.commit()
    page = render_template("auth/tokens.html", tokens=tokens.tokens_of(current_user),
                           secret=secret, error=error,
                           name=request.form.get("name", "") if error else "")
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
    return render_template("auth/users.html", users=queries.users())


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
    return render_template("auth/user_form.html", form=form, user=None), form_status(form)


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
    page = render_template("auth/user_form.html", form=form, user=user, reset=reset)
    return page, form_status(form)


@bp.post("/admin/users/<int:user_id>/password")
@require("admin.manage")
def reset_password(user_id):
    user = db.get_or_404(User, user_id)
    reset = ResetPasswordForm(prefix="reset")
    if reset.validate_on_submit():
        services.reset_password(current_user, user, reset.password.data)
        db.session.commit()
        flash(_("New password set for %(name)s.", name=user.username), "success")
        return redirect(url_for(".users"))
    form = UserForm(obj=user)
    return render_template("auth/user_form.html", form=form, user=user, reset=reset), 400


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
