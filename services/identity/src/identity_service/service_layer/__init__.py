"""Service layer of identity: use cases over a unit of work, returning plain data."""
