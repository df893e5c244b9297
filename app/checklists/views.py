"""Administrators' checklist pages: templates, their items, their version history."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.checklists import services
from app.checklists.forms import ItemForm, MoveItemForm, RenameForm, TemplateForm
from app.checklists.models import ChecklistTemplate, ChecklistVersion
from app.common.errors import DomainError
from app.common.forms import choices, form_status, show_domain_error, undo_refused
from app.common.permissions import require
from app.extensions import db
from app.locations.models import LocationType
from app.locations.queries import location_types

bp = Blueprint("checklists", __name__, url_prefix="/checklists")


@bp.get("/")
@require("admin.manage")
def index():
    templates = db.session.scalars(
        select(ChecklistTemplate)
        .options(selectinload(ChecklistTemplate.versions).selectinload(ChecklistVersion.items),
                 selectinload(ChecklistTemplate.location_type))
        .order_by(ChecklistTemplate.id)
    ).all()
    return render_template("checklists/index.html", templates=templates)


@bp.route("/new", methods=["GET", "POST"])
@require("admin.manage")
def create():
    form = TemplateForm()
    form.location_type_id.choices = choices(
        [("", _("— choose —"))] + [(t.id, t.name) for t in location_types()]
    )
    if form.validate_on_submit():
        try:
            template = services.create_template(
                current_user,
                location_type=db.session.get(LocationType, form.location_type_id.data),
                name_zh=form.name_zh.data,
                name_en=form.name_en.data,
            )
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            return redirect(url_for(".show", template_id=template.id))
    return render_template("checklists/new.html", form=form), form_status(form)


@bp.route("/<int:template_id>", methods=["GET", "POST"])
@require("admin.manage")
def show(template_id):
    template = db.get_or_404(ChecklistTemplate, template_id)
    form = RenameForm(obj=template, quick_pass_kinds=template.quick_pass_kinds.split(","))
    if form.validate_on_submit():
        services.rename_template(current_user, template, name_zh=form.name_zh.data,
                                 name_en=form.name_en.data,
                                 quick_pass_kinds=form.quick_pass_kinds.data)
        db.session.commit()
        flash(_("Checklist name saved."), "success")
        return redirect(url_for(".show", template_id=template.id))
    version = template.current_version
    return render_template(
        "checklists/show.html", template=template, version=version, form=form,
        used=services.is_used(version) if version else False,
    ), form_status(form)


@bp.get("/<int:template_id>/versions/<int:number>")
@require("admin.manage")
def version(template_id, number):
    template = db.get_or_404(ChecklistTemplate, template_id)
    version = next((v for v in template.versions if v.number == number), None)
    if version is None:
        abort(404)
    return render_template("checklists/version.html", template=template, version=version)


@bp.route("/<int:template_id>/items/new", methods=["GET", "POST"])
@require("admin.manage")
def add_item(template_id):
    template = db.get_or_404(ChecklistTemplate, template_id)
    form = ItemForm()
    if form.validate_on_submit():
        try:
            services.add_item(current_user, template, **form.item_fields())
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("Item added."), "success")
            return redirect(url_for(".show", template_id=template.id))
    return render_template("checklists/item.html", template=template, form=form,
                           position=None), form_status(form)


@bp.route("/<int:template_id>/items/<int:position>", methods=["GET", "POST"])
@require("admin.manage")
def edit_item(template_id, position):
    template = db.get_or_404(ChecklistTemplate, template_id)
    item = next((i for i in template.current_version.items if i.position == position), None)
    if item is None:
        abort(404)
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        try:
            services.update_item(current_user, template, position, **form.item_fields())
        except DomainError as e:
            show_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("Item saved."), "success")
            return redirect(url_for(".show", template_id=template.id))
    return render_template("checklists/item.html", template=template, form=form,
                           position=position), form_status(form)


@bp.post("/<int:template_id>/items/<int:position>/remove")
@require("admin.manage")
def remove_item(template_id, position):
    template = db.get_or_404(ChecklistTemplate, template_id)
    try:
        services.remove_item(current_user, template, position)
    except DomainError as e:
        undo_refused()
        flash(e.message, "error")
    else:
        db.session.commit()
        flash(_("Item removed."), "success")
    return redirect(url_for(".show", template_id=template.id))


@bp.post("/<int:template_id>/items/<int:position>/move")
@require("admin.manage")
def move_item(template_id, position):
    template = db.get_or_404(ChecklistTemplate, template_id)
    offset = -1 if MoveItemForm().direction.data == "up" else 1
    try:
        services.move_item(current_user, template, position, offset)
    except DomainError as e:
        undo_refused()
        flash(e.message, "error")
    else:
        db.session.commit()
    return redirect(url_for(".show", template_id=template.id) + f"#item-{position + offset}")
