"""Backup and restore of a whole instance: database, keys, blobs and settings in one file
(``xuedian backup`` / ``xuedian restore``, docs/deploy.md "Backup and restore")."""
