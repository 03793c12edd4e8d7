"""Who did what, when and from where: the audit log of staff and operator actions."""
