"""Editors' review: corrections kept apart from extraction, the history, the review queue."""
