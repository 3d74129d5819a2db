"""Adapters: clients of Hearth services' APIs, for the other services that call them."""
