"""`flask mail send|status|retry`: the outbox worker and a look inside the outbox."""
import signal
import threading

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from eventhub.core.transaction import atomic, discard
from eventhub.mail import sender, services

mail_cli = AppGroup("mail", help="Send the queued e-mail.")


def _summary(report: sender.Report) -> str:
    """One line: what this run did and what is still waiting."""
    queued = services.counts_by_status()["queued"]
    given_up = f" ({report.failed} given up)" if report.failed else ""
    return f"Sent {report.sent}, failed {report.failed + report.retrying}{given_up}, still queued {queued}."


def _progress(totals: sender.Report) -> None:
    """After each batch: how far the run is, so a long queue visibly moves."""
    click.echo(f"… {_summary(totals)}")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running as a worker until interrupted.")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds between runs with --loop.")
@click.option("--batch", default=100, show_default=True, type=click.IntRange(min=1),
              help="Messages claimed at once and sent over one SMTP connection.")
def send_command(loop, interval, batch):
    """Send every message that is due, batch after batch, once, or every INTERVAL seconds with --loop."""
    if problem := sender.configuration_problem():
        raise click.ClickException(problem)
    if not loop:
        click.echo(_summary(sender.send_all(batch, progress=_progress)))
        return
    stop = threading.Event()
    previous = _stop_on_sigterm(stop)
    click.echo(f"Sending queued mail every {interval:g} s; Ctrl+C stops.")
    try:
        while not stop.is_set():
            _run_once(batch, stop)
            stop.wait(interval)
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    click.echo("Stopped.")


def _run_once(batch: int, stop: threading.Event) -> None:
    """Send everything due (until told to stop), then report. A database hiccup is reported and the worker
    carries on at the next interval."""
    try:
        report = sender.send_all(batch, progress=_progress, stop=stop.is_set)
    except SQLAlchemyError as error:
        discard()
        click.echo(f"Database error, trying again later: {error}", err=True)
        return
    if report.handled:
        click.echo(_summary(report))


def _stop_on_sigterm(stop: threading.Event):
    """Let a service manager stop the worker between messages rather than in the middle of one."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())


@mail_cli.command("status")
@click.option("--errors", "error_count", default=10, show_default=True, help="How many recent errors to list.")
def status_command(error_count):
    """Count the messages per status and list the latest errors."""
    counts = services.counts_by_status()
    click.echo(", ".join(f"{status}: {count}" for status, count in counts.items()))
    failing = services.recent_errors(error_count)
    if failing:
        click.echo("Latest errors:")
    for message in failing:
        when = "given up" if message.status == "failed" else f"next try {message.next_attempt_at:%Y-%m-%d %H:%M} UTC"
        attempts = f"{message.attempts} attempt(s)"
        click.echo(f"  #{message.id} to {message.recipient}, {attempts}, {when}: {message.last_error}")


@mail_cli.command("retry")
def retry_command():
    """Queue every failed message again with a fresh set of attempts."""
    with atomic():
        count = services.requeue_failed()
    click.echo(f"Queued {count} failed message(s) again.")


@mail_cli.command("show")
@click.argument("recipient")
def show_command(recipient):
    """Print the newest message queued for RECIPIENT (its subject and text), sent or not.

    For trying the public forms on a machine without a mail server: the confirmation link is in it.
    """
    message = services.newest_for(recipient)
    if message is None:
        raise click.ClickException(f"No message for {recipient} in the outbox.")
    envelope = "".join(f"{name}: {value}\n" for name, value in
                       (("From", message.sender_name), ("Reply-To", message.reply_to)) if value)
    click.echo(f"{envelope}To: {message.recipient}\nSubject: {message.subject}\nStatus: {message.status}\n\n"
               f"{message.text_body}")
