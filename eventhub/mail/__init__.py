"""Outgoing e-mail: an outbox table filled in the same transaction as the change, and a sender."""
