"""The stylesheet of the pages that work without JavaScript: the village kiosk's LAN pages
and the county's volunteer upload page. Registered in both the county and the relay app."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plain", __name__, static_folder="plain-static", static_url_path="/plain-static")
