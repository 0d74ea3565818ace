"""Invitation letters for visas: requested by confirmed registrants, approved by organisers, checked by embassies."""
