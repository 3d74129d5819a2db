"""Adapters of identity: PostgreSQL tables and repositories, the outbox, and cryptography."""
