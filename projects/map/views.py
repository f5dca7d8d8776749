"""The map pages at /projects/map: the page, its markers as JSON (filtered like the list, limited to the
reader's area) and the county's outline. Readers only, like the project list."""
from __future__ import annotations

from datetime import date

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import func, select

from core.access import READERS, role_required
from core.units import list_unit
from extensions import db
from projects.blueprint import bp
from projects.map.features import SHIPPED_OUTLINE, county_outline, marker
from projects.models import CATEGORIES, STATUSES, Project
from projects.money import project_money
from projects.queries import ATTENTION, ProjectFilter, area_choices, filtered_projects
from projects.scope import area_choices_in_scope
from projects.services import county_box


def outline_path() -> str:
    """The county's GeoJSON file: LIANDONG_COUNTY_OUTLINE, else the one shipped (illustrative)."""
    return current_app.config.get("COUNTY_OUTLINE") or str(SHIPPED_OUTLINE)


def _query_string() -> str:
    """The page's own filter, passed on to the data it fetches."""
    query = request.query_string.decode("latin-1")
    return f"?{query}" if query else ""


@bp.route("/map")
@role_required(*READERS, scoped=True)
def project_map():
    """The county's map with the filtered projects as markers (drawn by static/map.js)."""
    filters = ProjectFilter.from_args(request.args)
    return render_template("projects/map.html", filters=filters, categories=CATEGORIES, statuses=STATUSES,
                           attention=ATTENTION, sources=project_money().source_choices(),
                           areas=area_choices_in_scope(area_choices(str(get_locale())), current_user),
                           data_url=url_for("projects.map_data") + _query_string())


@bp.route("/map.json")
@role_required(*READERS, scoped=True)
def map_data():
    """The filtered projects that have a position, as markers, and how many of the list have none."""
    query = filtered_projects(ProjectFilter.from_args(request.args), current_user, date.today())
    placed = query.where(Project.longitude.is_not(None))
    locale, unit = str(get_locale()), list_unit()
    markers = [marker(project, area, township, late, locale, unit,
                      url_for("projects.detail", project_id=project.id))
               for project, area, township, late in db.session.execute(placed)]
    total = int(db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
    return jsonify({"projects": markers, "total": total, "bbox": county_box().as_list()})


@bp.route("/map/county.json")
@role_required(*READERS, scoped=True)
def county_map():
    """The county's outline and towns (GeoJSON), the background of every map."""
    return jsonify({**county_outline(outline_path()), "bbox": county_box().as_list()})
