"""HTML pages for segments and personas."""

from __future__ import annotations

from accounts import current
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from journeymail.forms import carried_out, status_of, submit

from . import services
from .forms import PersonaForm, SegmentForm, persona_choices
from .models import Persona, Segment

Page = Any


def list_segments() -> Page:
    """Every segment, with its three axes at a glance."""
    current.require("read")
    return render_template("segments/list.html", segments=services.list_segments(), personas=services.list_personas())


def new_segment() -> Page:
    current.require("edit_plan")
    form = SegmentForm()
    form.persona_id.choices = persona_choices(services.list_personas())
    if segment := submit(form, lambda values: services.create_segment(values, from_form=True)):
        flash(_('Segment "%(name)s" created.', name=segment.name), "success")
        return redirect(url_for("segments.list_segments", _anchor=f"segment-{segment.id}"))
    return render_template("segments/form.html", form=form, suggestions=services.suggestions()), status_of(form)


def edit_segment(segment_id: int) -> Page:
    segment = current.get_or_404(Segment, segment_id)
    current.require("edit_plan")
    form = SegmentForm(obj=segment)
    form.persona_id.choices = persona_choices(services.list_personas())
    if submit(form, lambda values: services.update_segment(segment, values, from_form=True)):
        flash(_('Segment "%(name)s" saved.', name=segment.name), "success")
        return redirect(url_for("segments.list_segments", _anchor=f"segment-{segment.id}"))
    return render_template(
        "segments/form.html", form=form, segment=segment, suggestions=services.suggestions()
    ), status_of(form)


def delete_segment(segment_id: int) -> Page:
    """Ask before deleting: campaigns stop targeting the segment and its variants are removed."""
    segment = current.get_or_404(Segment, segment_id)
    current.require("delete")
    form = FlaskForm()
    if form.validate_on_submit():
        name = segment.name
        if carried_out(lambda: services.delete_segment(segment)):
            flash(_('Segment "%(name)s" deleted.', name=name), "success")
            return redirect(url_for("segments.list_segments"))
    return render_template("segments/delete.html", segment=segment, form=form, usage=services.usage(segment))


# --- personas ----------------------------------------------------------------------------------


def list_personas() -> Page:
    """Every persona as a card, with the segments that belong to it."""
    current.require("read")
    return render_template("segments/personas.html", personas=services.list_personas())


def new_persona() -> Page:
    current.require("edit_plan")
    form = PersonaForm()
    if persona := submit(form, lambda values: services.create_persona(values, from_form=True)):
        flash(_('Persona "%(name)s" created.', name=persona.name), "success")
        return redirect(url_for("segments.list_personas", _anchor=f"persona-{persona.id}"))
    return render_template("segments/persona_form.html", form=form), status_of(form)


def edit_persona(persona_id: int) -> Page:
    persona = current.get_or_404(Persona, persona_id)
    current.require("edit_plan")
    form = PersonaForm(obj=persona)
    if submit(form, lambda values: services.update_persona(persona, values, from_form=True)):
        flash(_('Persona "%(name)s" saved.', name=persona.name), "success")
        return redirect(url_for("segments.list_personas", _anchor=f"persona-{persona.id}"))
    return render_template("segments/persona_form.html", form=form, persona=persona), status_of(form)


def delete_persona(persona_id: int) -> Page:
    """Ask before deleting: its segments and the campaigns that start from it stay, without a persona."""
    persona = current.get_or_404(Persona, persona_id)
    current.require("delete")
    form = FlaskForm()
    if form.validate_on_submit():
        name = persona.name
        if carried_out(lambda: services.delete_persona(persona)):
            flash(_('Persona "%(name)s" deleted.', name=name), "success")
            return redirect(url_for("segments.list_personas"))
    return render_template("segments/persona_delete.html", persona=persona, form=form,
                           usage=services.persona_usage(persona))
