"""Registrations, delegations, the waiting list and custom questions."""
