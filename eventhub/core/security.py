"""Browser-side protections on every response, trusted reverse proxies and request body limits, in one place.

Cookie flags are settings (config.py); everything a response must carry is added here.
"""
import flask
from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts only from our own files: no inline script, no handler attribute, no eval, so injected markup
# cannot run. Style attributes stay allowed (style-src-attr): the timetable's grid positions, the
# participation bars and track colours are computed by the server and must show without JavaScript;
# an attribute cannot hold a selector nor, with img-src 'self', load anything from elsewhere. <style>
# elements and stylesheets must come from our files (style-src-elem); the first style-src is what
# browsers without the two finer directives use. data: images are pico.css's icons; the scanner's
# camera is a MediaStream, which no directive governs.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "style-src-elem 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# Same-origin requests keep the full URL; other sites see only the origin, never a path with a secret.
REFERRER_POLICY = "strict-origin-when-cross-origin"
# The scanner needs the camera on our own pages; nothing needs the microphone or the location.
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=()"


class Request(flask.Request):
    """A request whose body limit is the view's own when the view is marked with @body_limit."""

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.endpoint:
            setting = getattr(current_app.view_functions.get(self.endpoint), "body_limit", None)
            if setting:
                return current_app.config[setting]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def body_limit(setting: str):
    """Give a view the request body limit named by the config key `setting` instead of MAX_CONTENT_LENGTH.

    Put it right under @bp.route: the limit must be known before the CSRF check reads the form.
    """

    def mark(view):
        view.body_limit = setting
        return view

    return mark


def init_app(app) -> None:
    """Trust the configured proxies, apply per-view body limits and add the headers to every response."""
    trust_proxies(app)
    app.request_class = Request
    app.after_request(add_security_headers)


def trust_proxies(app) -> None:
    """Behind PROXY_HOPS reverse proxies, take the client's address, scheme and host from their X-Forwarded-*.

    Then the rate limits count the client, not the proxy, and generated URLs say https.
    """
    hops = app.config["PROXY_HOPS"]
    if not isinstance(hops, int) or hops < 0:
        raise RuntimeError(f"PROXY_HOPS must be the number of reverse proxies in front of the app, not {hops!r}.")
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def add_security_headers(response):
    """Headers every answer carries; a header a view set itself (e.g. a stricter policy) is kept."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    if "token" in (request.view_args or {}):
        # A secret in the URL (manage links, personal agendas, calendar feeds) goes nowhere, not even a path.
        headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Referrer-Policy", REFERRER_POLICY)
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    seconds = current_app.config["HSTS_SECONDS"]
    if seconds and request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")
    return response
