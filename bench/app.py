"""A fresh, migrated EventHub for one benchmark (a throw-away SQLite database, or DATABASE_URL's), and
the median time of an action."""
import os
import statistics
import tempfile
import time
from contextlib import contextmanager


@contextmanager
def fresh_app():
    """An app on an empty, migrated database (DATABASE_URL's, when set, must be empty), deleted afterwards."""
    from flask_migrate import upgrade

    from eventhub import create_app

    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "EVENTHUB_ENV": "production", "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
        yield app


def median_ms(action, runs: int, before=None) -> float:
    """Median milliseconds of action(), each run preceded by before() (untimed) when given."""
    spent = []
    for _ in range(runs):
        if before is not None:
            before()
        began = time.perf_counter()
        action()
        spent.append(time.perf_counter() - began)
    return statistics.median(spent) * 1000
