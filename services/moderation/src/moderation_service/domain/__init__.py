"""Domain of moderation: pure Python rules, entities, errors and events."""
