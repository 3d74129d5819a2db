"""Cross-cutting code shared by Hearth's services: settings, logging, outbox, inbox, tokens, gRPC and nameko scaffolding."""
