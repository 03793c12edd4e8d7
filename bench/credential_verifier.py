"""Bytes of the phone's certificate verifier (pwa/src/lib/credentials/verify.js with what it
imports: @noble/ed25519, @noble/hashes' SHA-256, fflate's inflate, canonical JSON), bundled
and minified as esbuild does for the app's lazy features (budget: 60 KB gzip, DESIGN §8)."""

from __future__ import annotations

import gzip
import subprocess
import tempfile
from pathlib import Path

from .common import ROOT, figure

BUDGET_KB = 60
PWA = ROOT / "pwa"


def bundle() -> bytes:
    """Return the minified ES module bundle of the verifier."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "verify.js"
        subprocess.run(
            [
                str(PWA / "node_modules" / ".bin" / "esbuild"),
                "src/lib/credentials/verify.js",
                "--bundle",
                "--minify",
                "--format=esm",
                "--target=es2020",
                f"--outfile={out}",
            ],
            cwd=PWA,
            check=True,
            capture_output=True,
        )
        return out.read_bytes()


def main() -> None:
    code = bundle()
    figure("certificate verifier, minified", len(code) / 1024, "KB")
    gz = len(gzip.compress(code, compresslevel=9, mtime=0)) / 1024
    figure("certificate verifier, gzip", gz, "KB", BUDGET_KB)


if __name__ == "__main__":
    main()
