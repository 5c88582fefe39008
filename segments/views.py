"""HTML pages for segments."""

from __future__ import annotations

from accounts import current
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from journeymail.forms import carried_out, status_of, submit

from . import services
from .forms import SegmentForm
from .models import Segment

Page = Any


def list_segments() -> Page:
    """Every segment, with its three axes at a glance."""
    current.require("read")
    return render_template("segments/list.html", segments=services.list_segments())


def new_segment() -> Page:
    current.require("edit_plan")
    form = SegmentForm()
    if segment := submit(form, lambda values: services.create_segment(values, from_form=True)):
        flash(_('Segment "%(name)s" created.', name=segment.name), "success")
        return redirect(url_for("segments.list_segments", _anchor=f"segment-{segment.id}"))
    return render_template("segments/form.html", form=form, suggestions=services.suggestions()), status_of(form)


def edit_segment(segment_id: int) -> Page:
    segment = current.get_or_404(Segment, segment_id)
    current.require("edit_plan")
    form = SegmentForm(obj=segment)
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
