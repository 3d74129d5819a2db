"""Entrypoints of identity: gRPC server, nameko worker, migrate step; translation only."""
