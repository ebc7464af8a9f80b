"""Revisions of the archive schema, oldest first by their down_revision chain."""
