"""The fake server's entry point: ``python -m evidencewatch.testing.fake_eutils`` serves files,
and the module still offers every name callers import from it."""

from __future__ import annotations

import subprocess
import sys

import requests
from lxml import etree

import evidencewatch.testing
import evidencewatch.testing.fake
from evidencewatch.testing import fake_eutils
from testing.fake.samples import ARTICLE_SET, ids


def test_fake_eutils_and_the_testing_package_re_export_the_fakes_names():
    for name in evidencewatch.testing.__all__:
        assert getattr(evidencewatch.testing, name) is getattr(evidencewatch.testing.fake, name)
    for name in evidencewatch.testing.fake.__all__:
        assert getattr(fake_eutils, name) is getattr(evidencewatch.testing.fake, name)
    assert set(fake_eutils.__all__) == {*evidencewatch.testing.fake.__all__, "main"}


def test_cli_serves_records_from_a_file_and_prints_the_base_url(tmp_path):
    path = tmp_path / "records.xml"
    path.write_bytes(ARTICLE_SET)
    proc = subprocess.Popen(
        [sys.executable, "-m", "evidencewatch.testing.fake_eutils", str(path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/entrez/eutils/")
        response = requests.get(base_url + "esearch.fcgi", params={"term": "tamoxifen"}, timeout=5)
        assert ids(etree.fromstring(response.content)) == [90000001]
    finally:
        proc.terminate()
        proc.wait(timeout=5)
