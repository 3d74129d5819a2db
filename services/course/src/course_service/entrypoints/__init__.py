"""Entrypoints: course-grpc, course-worker, course-migrate, course-healthcheck, course-replay-events."""
