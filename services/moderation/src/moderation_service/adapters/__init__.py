"""Adapters of moderation: SQLAlchemy tables and repositories, the unit of work, clients of other services."""
