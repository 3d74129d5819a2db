"""Domain layer of room: pure Python entities, rules, errors and events."""
