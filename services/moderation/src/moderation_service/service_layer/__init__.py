"""Service layer of moderation: the use cases, their unit-of-work contract and read views."""
