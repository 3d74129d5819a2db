"""Service layer of room: use cases over a unit of work, returning plain data."""
