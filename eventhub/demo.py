"""`flask demo`: realistic, deterministic demo data."""
import click


@click.command("demo")
def demo_command():
    """Seed the database with demo data."""
