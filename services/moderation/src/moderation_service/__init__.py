"""Hearth moderation service: reports and the review queue (and, later, sanctions, automod, pages, appeals)."""
