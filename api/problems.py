"""Errors of the API as RFC 9457 problem details (`application/problem+json`).

Every refusal names what it is about: `errors` is a list of {field, message}, the field as the
request named it (a query parameter, a JSON member) or as the service named it (core.errors.Refused).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Optional

from flask import Response, json
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

MEDIA_TYPE = "application/problem+json"


def problem(status: int, detail: str = "", errors: Iterable[Mapping[str, str]] = (),
            headers: Optional[Mapping[str, str]] = None) -> Response:
    """A problem-details response."""
    body: dict[str, Any] = {"type": "about:blank", "title": HTTP_STATUS_CODES.get(status, "Error"),
                            "status": status}
    if detail:
        body["detail"] = detail
    listed = [{"field": str(item["field"]), "message": str(item["message"])} for item in errors]
    if listed:
        body["errors"] = listed
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_errors(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """webargs' nested messages ({location: {field: [message, ...]}}) as a flat list naming each field."""
    out: list[dict[str, str]] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, Mapping):
                out.extend(field_errors(value, name))
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, Mapping):
                        out.extend(field_errors(item, name))
                    else:
                        out.append({"field": name, "message": str(item)})
            else:
                out.append({"field": name, "message": str(value)})
    return out


LOCATIONS = ("query", "json", "path", "headers", "view_args", "form")


def from_http_exception(error: HTTPException) -> Response:
    """An HTTP error raised by Flask, webargs (422 with `messages`) or `abort` as a problem."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, Mapping) else None
    errors: list[dict[str, str]] = []
    if isinstance(messages, Mapping):
        for location, fields in messages.items():  # the location (query, json) is not part of the name
            errors.extend(field_errors(fields) if location in LOCATIONS else field_errors({location: fields}))
    headers = {}
    retry_after = getattr(error, "retry_after", None) or (data.get("retry_after") if isinstance(data, Mapping)
                                                          else None)
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    detail = "" if errors else str(error.description or "")
    return problem(status, detail, errors, headers)
