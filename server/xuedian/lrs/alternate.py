"""xAPI 1.0.3's Alternate Request Syntax (Communication 1.3), as WSGI middleware: a
``POST /xapi/...?method=PUT`` with a form body of headers, parameters and ``content`` is
rewritten into the request it stands for before Flask routes it. xAPI 2.0 dropped the
syntax, so a request that says it speaks 2.x is left alone (and refused by the view)."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, parse_qsl, urlencode

HEADERS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}


class AlternateSyntax:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if (
            environ.get("REQUEST_METHOD") == "POST"
            and environ.get("PATH_INFO", "").startswith("/xapi/")
            and "method=" in environ.get("QUERY_STRING", "")
        ):
            self._rewrite(environ)
        return self.app(environ, start_response)

    @staticmethod
    def _rewrite(environ) -> None:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        method = (query.get("method") or [""])[0].upper()
        if set(query) != {"method"} or method not in ("GET", "PUT", "POST", "DELETE", "HEAD"):
            return  # the view answers 400 for a stray parameter
        ctype = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        form = dict(parse_qsl(raw, keep_blank_values=True))
        version = form.get("X-Experience-API-Version") or environ.get(
            "HTTP_X_EXPERIENCE_API_VERSION", ""
        )
        if version.startswith("2."):
            environ["wsgi.input"] = io.BytesIO(raw.encode("utf-8"))
            return
        content = form.pop("content", "").encode("utf-8")
        params = {}
        for key, value in form.items():
            if key.lower() in HEADERS:
                environ[HEADERS[key.lower()]] = value
            elif key.lower() != "content-length":
                params[key] = value
        if "CONTENT_TYPE" in environ and "content-type" not in {k.lower() for k in form}:
            environ["CONTENT_TYPE"] = "application/json" if content else ""
        environ["REQUEST_METHOD"] = method
        environ["QUERY_STRING"] = urlencode(params)
        environ["wsgi.input"] = io.BytesIO(content)
        environ["CONTENT_LENGTH"] = str(len(content))
