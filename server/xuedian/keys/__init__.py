"""County signing keys: Ed25519 key pairs kept in ``<instance>/keys``."""
