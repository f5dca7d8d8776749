"""A tiny HTTP client with cookies and CSRF tokens, for tests that need real concurrent requests."""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class HttpSession:
    """One browser-like visitor: keeps its cookies, reads the CSRF token of a page, posts forms."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        """GET a page; (status, body)."""
        return self._send(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict, token_from: str | None = None) -> tuple[int, str]:
        """POST a form, with the CSRF token read from `token_from` (default: the same path)."""
        token = self.csrf_token(token_from or path)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        return self._send(urllib.request.Request(self.base + path, data=body, method="POST"))

    def post_with_token(self, path: str, data: dict, token: str) -> int:
        """POST a form with a token fetched earlier (so racing requests leave together); the status."""
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        return self._send(urllib.request.Request(self.base + path, data=body, method="POST"))[0]

    def post_file(self, path: str, field: str, filename: str, content: bytes, token_from: str) -> tuple[int, str, str]:
        """POST a multipart form with one file and the CSRF token; (status, body, final URL)."""
        boundary = "----liandong-test-boundary"
        token = self.csrf_token(token_from)
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode(),
                 (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                  "Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n",
                 f"--{boundary}--\r\n".encode()]
        request = urllib.request.Request(self.base + path, data=b"".join(parts), method="POST",
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode(), response.url
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.url

    def csrf_token(self, path: str) -> str:
        """The CSRF token on a page."""
        status, page = self.get(path)
        match = CSRF.search(page)
        assert match, f"no CSRF token on {path} ({status})"
        return match.group(1)

    def login(self, username: str, password: str) -> None:
        """Sign in through the login form."""
        status, _ = self.post("/login", {"username": username, "password": password})
        assert status == 200, status

    def _send(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
