"""/favicon.ico: browsers ask for it on every site, whatever the pages link to, and each 404 fills the log.

The pages link static/favicon.svg (sharp at any size) and this .ico (16, 32 and 48 px, for browsers
without SVG icons); static/apple-touch-icon.png is for phones' home screens.
"""
from flask import current_app, send_from_directory

# A week: the icon hardly ever changes, and its URL has no version to bust a longer cache with.
MAX_AGE = 7 * 24 * 3600


def favicon():
    """The icon, cacheable by browsers and proxies (answering 304 to a conditional request)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", max_age=MAX_AGE,
                               mimetype="image/vnd.microsoft.icon")


def init_app(app) -> None:
    """Answer /favicon.ico at the root, where browsers look for it."""
    app.add_url_rule("/favicon.ico", "favicon", favicon)
