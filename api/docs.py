"""The OpenAPI document and its browsable page, both open to everyone: they describe the API and hold
no data (every data route needs a token).

The document is written by flask-smorest from the routes and schemas (api.resources, api.schemas).
flask-smorest rather than APIFlask: it works with the plain Flask app and blueprints Liandong already
has (APIFlask wants its own `APIFlask` app class, or its `APIBlueprint` only inside one, for its
spec), and leaves error handling to us once its app-wide JSON error handler is switched off (below):
the web pages keep their HTML error pages, the API answers problem JSON.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template
from flask_smorest import Api

from api.problems import MEDIA_TYPE
from api.schemas import ProblemSchema
from core.access import public

docs_bp = Blueprint("api_docs", __name__)


class LiandongApi(Api):
    """flask-smorest's Api without its app-wide error handler (which would answer every web page's
    error in JSON): the API blueprint handles its own errors (api.resources)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        return None


@docs_bp.route("/api/v1/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document."""
    document = current_app.extensions["liandong_api"].spec.to_dict()
    for response in document.get("components", {}).get("responses", {}).values():
        content = response.get("content", {})
        if "application/json" in content:  # errors are problem JSON (api.problems)
            content[MEDIA_TYPE] = content.pop("application/json")
    return jsonify(document)


@docs_bp.route("/api/v1/docs")
@public
def docs():
    """Swagger UI over the document, from vendored files."""
    return render_template("api/docs.html")
