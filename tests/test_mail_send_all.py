"""`flask mail send` sends the whole queue, batch after batch, each message once, even beside other senders."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, insert, select

from eventhub.core.types import utcnow
from eventhub.extensions import db
from eventhub.mail import sender
from eventhub.mail.models import OutboxMessage
from tests.test_mail import at_once, inbox, outbox, queue  # noqa: F401  (the SMTP server fixture)


def queue_many(n: int) -> None:
    """n messages in one statement: queue_message would cost a second of the test's time per few hundred."""
    now = utcnow()
    rows = [{"recipient": f"p{i}@example.org", "subject": f"Message {i}", "text_body": f"Body {i}",
             "attachments": [], "status": "queued", "attempts": 0, "next_attempt_at": now, "created_at": now}
            for i in range(n)]
    db.session.execute(insert(OutboxMessage), rows)
    db.session.commit()


def received_counts(inbox) -> Counter:  # noqa: F811
    return Counter(got.rcpt_tos[0] for got in inbox.received)


def test_flask_mail_send_sends_all_250_queued_messages_once_each_with_progress(runner, inbox):  # noqa: F811
    queue_many(250)
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    counts = received_counts(inbox)
    assert len(counts) == 250 and set(counts.values()) == {1}
    assert set(counts) == {f"p{i}@example.org" for i in range(250)}
    lines = result.output.splitlines()
    assert lines == ["… Sent 100, failed 0, still queued 150.", "… Sent 200, failed 0, still queued 50.",
                     "Sent 250, failed 0, still queued 0."]
    assert {m.status for m in outbox()} == {"sent"}


def test_the_batch_size_is_an_option(runner, inbox):  # noqa: F811
    queue_many(7)
    result = runner.invoke(args=["mail", "send", "--batch", "3"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "Sent 7, failed 0, still queued 0."
    assert result.output.count("…") == 2
    assert len(inbox.received) == 7


def test_each_batch_is_claimed_in_one_transaction_and_sent_over_one_connection(inbox, monkeypatch):  # noqa: F811
    queue_many(25)
    claims = []
    real_claim = sender.claim_batch
    monkeypatch.setattr(sender, "claim_batch", lambda ids, now: claims.append(len(ids)) or real_claim(ids, now))
    totals = sender.send_all(batch=10)
    assert (totals.sent, totals.failed, totals.retrying) == (25, 0, 0)
    assert claims == [10, 10, 5]
    assert len({got.peer for got in inbox.received}) == 3, "one SMTP connection per batch"


def test_failures_do_not_stop_the_run_nor_are_retried_within_it(inbox):  # noqa: F811
    queue_many(4)
    queue(1, recipient="reject{}@example.org")
    totals = sender.send_all(batch=2)
    assert (totals.sent, totals.retrying) == (4, 1)
    refused = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "reject0@example.org")).one()
    assert refused.attempts == 1 and refused.status == "queued"


def test_several_senders_at_once_send_each_message_exactly_once(app, inbox):  # noqa: F811
    queue_many(300)
    totals = at_once(app, lambda: sender.send_all(batch=40), timeout=120)
    counts = received_counts(inbox)
    assert len(counts) == 300 and set(counts.values()) == {1}
    assert sum(t.sent for t in totals) == 300
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status != "sent")) == 0


def test_a_batch_near_the_end_of_its_lease_hands_the_rest_back_for_the_next_batch(inbox, monkeypatch):  # noqa: F811
    queue_many(5)
    now = utcnow()
    clock = iter([0.0, 0.0, 0.0, 10_000.0] + [20_000.0] * 20)  # the third message finds the lease nearly over
    monkeypatch.setattr(sender, "monotonic", lambda: next(clock))
    first = sender.send_due(limit=5, now=now)
    assert first.sent == 2
    unsent = [m for m in outbox() if m.status == "queued"]
    assert len(unsent) == 3 and all(m.next_attempt_at <= now for m in unsent), "due again at once, not in 10 min"
    monkeypatch.setattr(sender, "monotonic", lambda: 0.0)
    assert sender.send_due(limit=5, now=now).sent == 3
    assert len(received_counts(inbox)) == 5 and len(inbox.received) == 5


def test_a_dead_worker_s_batch_is_sent_by_another_once_the_lease_runs_out(inbox):  # noqa: F811
    queue_many(3)
    now = utcnow()
    ids = [m.id for m in outbox()]
    assert sender.claim_batch(ids, now) == ids  # a worker claims them, then dies
    assert sender.send_all(now=now).sent == 0
    assert sender.send_all(now=now + sender.CLAIM_LEASE + timedelta(seconds=1)).sent == 3
    assert len(inbox.received) == 3


def test_a_worker_told_to_stop_finishes_its_batch_and_leaves_the_rest_queued(inbox):  # noqa: F811
    queue_many(25)
    batches = []
    totals = sender.send_all(batch=10, progress=batches.append, stop=lambda: len(batches) >= 1)
    assert totals.sent == 10 and len(inbox.received) == 10
    assert db.session.scalar(select(func.count()).where(OutboxMessage.status == "queued")) == 15
