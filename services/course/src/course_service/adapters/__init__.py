"""Adapters: course's tables and repositories."""
