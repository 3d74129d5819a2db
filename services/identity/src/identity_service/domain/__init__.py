"""Domain layer of identity: pure Python entities, rules, errors and events."""
