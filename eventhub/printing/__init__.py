"""Printed documents: text in every script (typesetting), the fonts it embeds (fonts/, server-side
files, never served), the programme booklet, and next the badges."""
