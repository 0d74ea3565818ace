"""Congresses and network meetings."""
