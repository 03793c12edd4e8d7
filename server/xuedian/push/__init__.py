"""Reaching phones: the inbox now (delivered by the changes feed); Web Push is another issue."""
