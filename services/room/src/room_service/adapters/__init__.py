"""Adapters of room: PostgreSQL tables and repositories, the outbox and inbox."""
