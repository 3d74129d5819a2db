"""Entrypoints of room: gRPC server, nameko worker, migrate step; translation only."""
