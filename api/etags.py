"""ETags on the API's reads: a strong ETag over the body; a matching If-None-Match answers 304."""
from __future__ import annotations

from flask import Response, request


def conditional(response: Response) -> Response:
    """after_request of the API blueprint."""
    if request.method == "GET" and response.status_code == 200 and response.mimetype == "application/json":
        response.add_etag()
        response.make_conditional(request)
    return response
