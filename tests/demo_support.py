"""Seeding a demo once per test module (tests/test_demo*.py).

conftest.py empties the database after every test, so a module-scoped fixture cannot simply leave
a seeded database behind. Instead the demo is seeded once, every row is kept in memory, and each
test that only reads gets the same rows put back: a few milliseconds instead of a seed per test.
"""
from eventhub.extensions import db


def _empty(connection) -> None:
    """Delete every row, children first."""
    for table in reversed(db.metadata.sorted_tables):
        connection.execute(table.delete())


def seed_once(app, *args: str) -> tuple[str, dict]:
    """Run `flask demo *args` on the empty test database; returns its output and every row it left,
    and leaves the database as conftest leaves it between tests (only the reference rows)."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["demo", *args])
        assert result.exit_code == 0 and result.exception is None, result.output
        db.session.remove()
        with db.engine.begin() as connection:
            rows = {table: [dict(row._mapping) for row in connection.execute(table.select())]
                    for table in db.metadata.sorted_tables}
            _empty(connection)
            for table, reference in app.config["REFERENCE_ROWS"].items():
                connection.execute(table.insert(), reference)
    return result.output, rows


def restore(rows: dict) -> None:
    """Put back the rows seed_once kept (parents first), in place of whatever the database holds."""
    db.session.remove()
    with db.engine.begin() as connection:
        _empty(connection)
        for table in db.metadata.sorted_tables:
            if rows.get(table):
                connection.execute(table.insert(), rows[table])
