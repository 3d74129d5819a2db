"""Hearth course service: the course catalogue, discussions, sections and enrolment."""
