"""scripts/audit.py's offline check: the vendored advisories flag a vulnerable release and spare a fixed one."""
import importlib.util
from pathlib import Path

import pytest
from packaging.version import Version

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "audit.py"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("audit", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_vulnerable_pin_fails_the_audit_and_names_the_advisory(audit, capsys):
    assert audit.offline({"jinja2": "2.10", "werkzeug": "0.15.2"}) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE jinja2 2.10: PYSEC-2019-217" in out and "VULNERABLE werkzeug 0.15.2" in out
    assert "as of 2024-10-10" in out and "days old" in out


def test_our_pins_pass_and_every_one_is_covered_by_the_snapshot(audit, capsys):
    assert audit.offline(audit.closure()) == 0
    assert "0 known vulnerabilities, 0 not covered" in capsys.readouterr().out


def test_a_dependency_the_snapshot_does_not_cover_fails_until_refreshed(audit, capsys):
    assert audit.offline({"flask": "3.1.3", "some-new-library": "1.0"}) == 1
    assert "NOT COVERED some-new-library" in capsys.readouterr().out


@pytest.mark.parametrize("version, expected", [("0.9", False), ("1.0", True), ("1.4.2", True), ("1.5", False),
                                               ("2.0", True), ("2.1", True), ("2.2", False)])
def test_osv_ranges_fixed_is_exclusive_last_affected_inclusive(audit, version, expected):
    ranges = [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.5"},
                                               {"introduced": "2.0"}, {"last_affected": "2.1"}]},
              {"type": "GIT", "events": [{"introduced": "0"}, {"fixed": "abc123"}]}]
    assert audit.in_ranges(Version(version), ranges) is expected


def test_a_withdrawn_advisory_flags_nothing(audit):
    advisory = {"withdrawn": "2024-01-01T00:00:00Z",
                "affected": [{"package": {"name": "Flask"}, "ranges": [{"type": "ECOSYSTEM",
                                                                        "events": [{"introduced": "0"}]}]}]}
    assert not audit.affects(advisory, "flask", Version("3.1.3"))
    assert audit.affects({**advisory, "withdrawn": None}, "flask", Version("3.1.3"))


def fake_pip_audit(monkeypatch, audit, report: dict):
    """pip-audit as if it answered `report` (its JSON output)."""
    import json
    import subprocess

    def run(command, **kwargs):
        Path(command[command.index("-o") + 1]).write_text(json.dumps(report))
        return subprocess.CompletedProcess(command, 1 if "vulns" in json.dumps(report) else 0)

    monkeypatch.setattr(audit.subprocess, "run", run)


def test_pip_audit_skipping_packages_is_no_pass_the_snapshot_decides(audit, monkeypatch):
    """pip-audit says "No known vulnerabilities" about packages it could not look up: that is not a pass."""
    fake_pip_audit(monkeypatch, audit, {"dependencies": [
        {"name": "flask", "version": "3.1.3", "vulns": []},
        {"name": "jinja2", "skip_reason": "Dependency not found on PyPI and could not be audited: jinja2 (2.10)"}]})
    assert audit.online({"flask": "3.1.3", "jinja2": "2.10"}) is None


def test_pip_audit_findings_fail_the_audit(audit, monkeypatch, capsys):
    fake_pip_audit(monkeypatch, audit, {"dependencies": [
        {"name": "jinja2", "version": "2.10", "vulns": [{"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"]}]}]})
    assert audit.online({"jinja2": "2.10"}) == 1
    assert "VULNERABLE jinja2 2.10: PYSEC-2019-217 (fixed in 2.10.1)" in capsys.readouterr().out
