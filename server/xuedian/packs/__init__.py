"""Content packs: source → build → sign → publish; catalog, manifests and blobs."""
