"""No source file grows past 400 lines (STYLE.md: split by concept before that). Alembic
migrations are exempt: they are written once and never edited."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ROOTS = ["server", "pwa/src", "pwa/service-worker", "tests", "bench", "scripts"]
SOURCE = {".py", ".js", ".mjs", ".cjs", ".css", ".html", ".sh", ".sql"}
SKIP_DIRS = {"migrations", "node_modules", "dist", "__pycache__", ".venv", "build"}
MAX_LINES = 400


def source_files() -> list[Path]:
    """Every source file under ROOTS, outside the skipped folders."""
    files = []
    for root in ROOTS:
        for path in (ROOT / root).rglob("*"):
            parts = path.relative_to(ROOT).parts
            if path.suffix in SOURCE and path.is_file() and not SKIP_DIRS.intersection(parts):
                files.append(path)
    return files


def too_long(paths: list[Path]) -> dict[str, int]:
    """The files over MAX_LINES, by name, with their line counts."""
    out = {}
    for path in paths:
        with path.open("rb") as handle:
            n = sum(1 for _ in handle)
        if n > MAX_LINES:
            out[path.name if not path.is_relative_to(ROOT) else str(path.relative_to(ROOT))] = n
    return out


def test_the_walk_finds_the_source_tree():
    found = {str(p.relative_to(ROOT)) for p in source_files()}
    assert "server/xuedian/__init__.py" in found
    assert "pwa/src/lib/storage/db.js" in found
    assert "pwa/service-worker/sw.js" in found
    assert "tests/docs/test_file_size.py" in found
    assert not any("/migrations/" in f for f in found)


def test_no_source_file_exceeds_400_lines():
    found = too_long(source_files())
    assert found == {}, f"split these files by concept (at most {MAX_LINES} lines): {found}"


def test_a_file_one_line_too_long_is_caught(tmp_path):
    at_limit = tmp_path / "at_limit.py"
    at_limit.write_text("x = 1\n" * MAX_LINES)
    over = tmp_path / "over.js"
    over.write_text("x;\n" * MAX_LINES + "y;")
    assert too_long([at_limit, over]) == {"over.js": MAX_LINES + 1}
