"""Entrypoints of moderation: gRPC server, nameko worker, migrate step; translation only."""
