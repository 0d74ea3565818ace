"""The audit trail's pages, for people: an event's whole trail and the whole system's.

Not part of eventhub.audit: every domain writes to the audit trail, while these pages read every
domain (to name and link an entry's object), so they sit above all of them, like the API.
"""
