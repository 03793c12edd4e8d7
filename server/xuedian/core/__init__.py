"""Small pieces every feature shares: canonical JSON, signatures, time."""
