"""A tiny HTTP client with cookies and CSRF tokens, for tests that need real concurrent requests."""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ONCE = re.compile(r'name="once"[^>]*value="([^"]+)"')


class HttpSession:
    """One browser-like visitor: keeps its cookies, reads the CSRF token of a page, posts forms."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        """GET a page; (status, body)."""
        return self._send(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict, token_from: str | None = None) -> tuple[int, str]:
        """POST a form with the hidden tokens (CSRF, one-time) of `token_from` (default: the same path)."""
        body = urllib.parse.urlencode({**data, **self.form_tokens(token_from or path)}).encode()
        return self._send(urllib.request.Request(self.base + path, data=body, method="POST"))

    def post_with_token(self, path: str, data: dict, token: str | dict) -> int:
        """POST a form with tokens fetched earlier (so racing requests leave together); the status.
        `token` is the CSRF token, or the hidden fields `form_tokens` read."""
        tokens = token if isinstance(token, dict) else {"csrf_token": token}
        body = urllib.parse.urlencode({**data, **tokens}).encode()
        return self._send(urllib.request.Request(self.base + path, data=body, method="POST"))[0]

    def form_tokens(self, path: str) -> dict:
        """The hidden fields a browser would send with the page's form: its CSRF and one-time tokens."""
        status, page = self.get(path)
        csrf, once = CSRF.search(page), ONCE.search(page)
        assert csrf, f"no CSRF token on {path} ({status})"
        return {"csrf_token": csrf.group(1), **({"once": once.group(1)} if once else {})}

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
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
