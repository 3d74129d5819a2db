"""Service layer: course's use cases, written against the unit of work."""
