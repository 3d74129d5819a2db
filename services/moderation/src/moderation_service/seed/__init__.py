"""Default data moderation starts with (admins change it over gRPC)."""
