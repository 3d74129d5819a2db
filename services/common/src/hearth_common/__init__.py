"""Cross-cutting code shared by Hearth's services: vocabulary, event contracts, outbox, inbox, tokens, gRPC and
nameko scaffolding."""
