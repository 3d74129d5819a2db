"""The identity service: people, credentials and tokens, roles, and the badge catalogue and holdings."""
