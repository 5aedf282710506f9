"""axe-core for the browser tests: fetched once from the npm registry with `npm pack`,
cached under ~/.cache/evidencewatch/axe-core, injected into pages whose CSP is bypassed
for the test only (``browser.new_context(bypass_csp=True)``).

If it cannot be fetched the test fails under CI (``CI`` set) and is skipped elsewhere,
with the reason. ``npm pack axe-core@4 --pack-destination ~/.cache/evidencewatch/axe-core``
prefetches it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
from functools import cache
from pathlib import Path

import pytest

AXE_SPEC = "axe-core@4"
CACHE = (
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "evidencewatch" / "axe-core"
)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _unavailable(why: str) -> None:
    message = (
        f"axe-core is not available ({why}); prefetch it with: "
        f"npm pack {AXE_SPEC} --pack-destination {CACHE}"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@cache
def axe_source() -> str:
    """The text of axe.min.js, from the cached tarball (packed on first use)."""
    tarballs = sorted(CACHE.glob("axe-core-*.tgz"))
    if not tarballs:
        npm = shutil.which("npm")
        if npm is None:
            _unavailable("npm is not installed")
        CACHE.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run(
                [str(npm), "pack", AXE_SPEC, "--silent", "--pack-destination", str(CACHE)],
                check=True, capture_output=True, timeout=180,
            )  # fmt: skip
        except (subprocess.SubprocessError, OSError) as exc:
            _unavailable(f"npm pack {AXE_SPEC} failed: {exc}")
        tarballs = sorted(CACHE.glob("axe-core-*.tgz"))
        if not tarballs:
            _unavailable(f"npm pack {AXE_SPEC} left no tarball in {CACHE}")
    with tarfile.open(tarballs[-1]) as tar:
        member = tar.extractfile("package/axe.min.js")
        if member is None:
            _unavailable(f"{tarballs[-1]} holds no package/axe.min.js")
        assert member is not None
        return member.read().decode("utf-8")


def violations(page) -> list[dict]:
    """axe-core's WCAG 2 A/AA violations on the page as it stands."""
    page.add_script_tag(content=axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return list(result["violations"])


def describe(found: list[dict]) -> str:
    """The violations as lines a developer can act on: rule, impact, elements, help."""
    lines = []
    for v in found:
        targets = [", ".join(n.get("target", [])) for n in v.get("nodes", [])]
        lines.append(f"{v['id']} ({v.get('impact')}): {v.get('help')} -> {targets[:6]}")
        for node in v.get("nodes", [])[:6]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            lines.append(f"    {', '.join(node.get('target', []))}: {summary[:200]}")
    return "\n".join(lines)
