"""English words of the kiosk relay's part of the catalog (core/words_relay_zh.py)."""

from __future__ import annotations

WORDS: dict[str, str] = {
    "relay.status_title": "Learning point",
    "relay.last_contact": "Last contact with the county: {time}",
    "relay.last_contact_never": "Last contact with the county: not yet",
    "relay.waiting": "Files waiting to go to the county: {n}",
    "relay.forwarded": "Files passed on to the county: {n}",
    "relay.last_error": "Last problem ({time}): {problem}",
    "relay.clock_skew": "This computer's clock is {minutes} minutes off the county's, so receipt "
    "times will be wrong. Please set the clock.",
    "relay.not_set_up": "Not set up yet: run xuedian relay init --upstream URL.",
    "relay.packs_title": "Download courses",
    "relay.given": "{text}",
    "relay.pack_meta": "version {version} · {size}",
    "relay.packs_hint": "Then open the Xuedian app and choose “Import a course file”.",
    "relay.packs_none": "No courses yet. They are fetched once the county can be reached.",
    "relay.upload_title": "Hand in learning records",
    "relay.upload_files": "Choose sync files (.xdsync; several at once is fine)",
    "relay.upload_button": "Upload",
    "relay.upload_hint": "Keep the records on the phone: the app clears them itself once the "
    "county confirms.",
    "relay.acks_title": "The county's receipt",
    "relay.acks_page": "The county's receipt · Xuedian",
    "relay.acks_link": "Get a receipt file (.xdack)",
    "relay.recent_title": "Recent files",
    "relay.recent_forwarded": "Made on the phone {made} · received here {received} · imported by "
    "the county {imported}",
    "relay.recent_waiting": "Made on the phone {made} · received here {received} · waiting to go",
    "relay.refused_title": "Files the county refused",
    "relay.acks_hint": "Enter the phone's device id (the 8 characters after “xuedian-” in its "
    "sync file's name), download the county's receipt, then import it in the Xuedian app.",
    "relay.acks_device": "Device id (at least 8 characters)",
    "relay.acks_find": "Find",
    "relay.acks_invalid": "Enter at least 8 characters (0–9, a–f).",
    "relay.acks_none": "No receipt from the county for this phone yet. Look again after its "
    "records have gone to the county.",
    "relay.acks_download": "Download the receipt",
    "relay.acks_meta": "device {device} · {records} records stored by the county · {detail}",
}
