"""The studio: turning content from many hands into pack source folders."""
