"""Packages made in the tests: IMS CP / SCORM and H5P zips, and ZIM archives through
libzim's writer, so the importers are proved on packages beyond the samples."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

SCORM_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"


def manifest(items: str, resources: str, metadata: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" xmlns:adlcp="{SCORM_2004}"
          identifier="M1">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion>
  {metadata}</metadata>
  <organizations default="ORG"><organization identifier="ORG"><title>Org</title>
  {items}
  </organization></organizations>
  <resources>{resources}</resources>
</manifest>"""


def write_zip(path: Path, files: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in files.items():
            package.writestr(name, data)
    return path


def h5p(path: Path, main: str, content: dict, **info) -> Path:
    meta = {"title": info.pop("title", main), "mainLibrary": main, "language": "en", **info}
    return write_zip(
        path,
        {
            "h5p.json": json.dumps(meta),
            "content/content.json": json.dumps(content),
            f"{main}-1.0/library.json": json.dumps({"machineName": main}),
            f"{main}-1.0/scripts/{main}.js": "window.H5P = {}; alert('bundled');",
        },
    )


def zim(path: Path, articles: list[tuple[str, str, str]], pictures: dict[str, bytes], **meta):
    """Write a ZIM with ``(path, title, html)`` articles, the first the main page."""
    from libzim.writer import Creator, Hint, Item, StringProvider

    class _Item(Item):
        def __init__(self, item_path, title, mime, data):
            super().__init__()
            self.item_path, self.title, self.mime, self.data = item_path, title, mime, data

        def get_path(self):
            return self.item_path

        def get_title(self):
            return self.title

        def get_mimetype(self):
            return self.mime

        def get_contentprovider(self):
            return StringProvider(self.data)

        def get_hints(self):
            return {Hint.FRONT_ARTICLE: self.mime == "text/html"}

    with Creator(str(path)).config_indexing(False, "eng") as creator:
        creator.set_mainpath(articles[0][0])
        for item_path, title, html in articles:
            creator.add_item(_Item(item_path, title, "text/html", html))
        for item_path, data in pictures.items():
            creator.add_item(_Item(item_path, "", "image/png", data))
        for name, value in meta.items():
            creator.add_metadata(name, value)
    return path
