"""`make audit`: known vulnerabilities in our pinned requirements and everything they pull in.

First pip-audit, online (PyPI's advisory data). When that service cannot be reached, or cannot see
every package (it then says "No known vulnerabilities" for what it skipped, so its JSON is read), the
same packages are matched against the vendored PyPA advisory database in security/advisories/, and
the output says how old that snapshot is: it knows nothing published after its date.

    python scripts/audit.py                       # online if possible, else the vendored snapshot
    python scripts/audit.py --offline             # the vendored snapshot only
    python scripts/audit.py --refresh DIR --date YYYY-MM-DD --commit SHA
        # copy the advisories of our dependency closure from a checkout of
        # https://github.com/pypa/advisory-database (DIR), as of that commit and date
"""
import argparse
import importlib.metadata
import json
import shutil
import subprocess  # noqa: S404 - runs pip-audit from our own virtualenv with fixed arguments
import sys
import tempfile
from datetime import date
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
ADVISORIES = ROOT / "security" / "advisories"
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")


def pinned() -> list[Requirement]:
    """The lines of our requirement files (comments and blank lines left out)."""
    lines = []
    for file in REQUIREMENTS:
        for line in (ROOT / file).read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                lines.append(Requirement(line))
    return lines


def closure() -> dict[str, str]:
    """{canonical name: version} of our requirements (their pinned version) and, as installed, of what they
    require in turn (environment markers and extras evaluated)."""
    versions, seen = {}, set()
    todo = pinned()
    pins = {canonicalize_name(r.name): next(iter(r.specifier)).version for r in todo if len(r.specifier) == 1}
    while todo:
        requirement = todo.pop()
        name = canonicalize_name(requirement.name)
        if (name, frozenset(requirement.extras)) in seen:
            continue
        seen.add((name, frozenset(requirement.extras)))
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            sys.exit(f"{name} is not installed: run `make test` (or pip install -r {' -r '.join(REQUIREMENTS)}) first.")
        versions[name] = pins.get(name, distribution.version)
        for line in distribution.requires or []:
            child = Requirement(line)
            extras = requirement.extras or {""}
            if child.marker is None or any(child.marker.evaluate({"extra": extra}) for extra in extras):
                todo.append(child)
    return dict(sorted(versions.items()))


# ---- online: pip-audit -------------------------------------------------------------------------

def online(packages: dict[str, str]) -> int | None:
    """pip-audit's answer (its exit code), or None when it could not check every package."""
    with tempfile.TemporaryDirectory() as folder:
        frozen = Path(folder) / "requirements.txt"
        frozen.write_text("".join(f"{name}=={version}\n" for name, version in packages.items()))
        command = [Path(sys.executable).parent / "pip-audit", "--disable-pip", "--no-deps", "--progress-spinner",
                   "off", "--timeout", "10", "-r", str(frozen), "-f", "json", "-o", str(Path(folder) / "report.json")]
        try:
            # Bounded: where the network swallows packets instead of refusing them, fall back within two minutes.
            done = subprocess.run(command, capture_output=True, text=True, timeout=120)  # noqa: S603
            report = json.loads((Path(folder) / "report.json").read_text())
        except (OSError, subprocess.TimeoutExpired, ValueError):
            return None
    skipped = [d for d in report["dependencies"] if d.get("skip_reason")]
    if skipped:
        print(f"pip-audit could not check {len(skipped)} of {len(packages)} packages ({skipped[0]['skip_reason']}).")
        return None
    found = [(d, v) for d in report["dependencies"] for v in d.get("vulns", [])]
    for dependency, vuln in found:
        fixed = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
        print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    print(f"Online audit (pip-audit, PyPI): {len(packages)} packages, {len(found)} known vulnerabilities.")
    return 1 if found or done.returncode else 0


# ---- offline: the vendored snapshot --------------------------------------------------------------

def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def in_ranges(version: Version, ranges: list[dict]) -> bool:
    """Whether an OSV ECOSYSTEM range holds the version: [introduced, fixed) or [introduced, last_affected]."""
    for spec in ranges:
        if spec.get("type") != "ECOSYSTEM":
            continue  # GIT ranges name commits, not releases
        start = None
        for event in spec.get("events", []):
            if "introduced" in event:
                start = _version(event["introduced"]) or Version("0")
            elif start is not None and "fixed" in event:
                end = _version(event["fixed"])
                if end and start <= version < end:
                    return True
                start = None
            elif start is not None and "last_affected" in event:
                end = _version(event["last_affected"])
                if end and start <= version <= end:
                    return True
                start = None
        if start is not None and version >= start:
            return True
    return False


def affects(advisory: dict, name: str, version: Version) -> bool:
    """Whether the advisory lists this release of this package as affected."""
    if advisory.get("withdrawn"):
        return False
    for entry in advisory.get("affected", []):
        if canonicalize_name(entry.get("package", {}).get("name", "")) != name:
            continue
        if version in {_version(v) for v in entry.get("versions", [])} or in_ranges(version, entry.get("ranges", [])):
            return True
    return False


def fixed_in(advisory: dict) -> str:
    fixes = [e["fixed"] for a in advisory.get("affected", []) for r in a.get("ranges", []) for e in r.get("events", [])
             if "fixed" in e and r.get("type") == "ECOSYSTEM"]
    return ", ".join(fixes) or "no fix listed"


def offline(packages: dict[str, str]) -> int:
    """Match the packages against security/advisories; 1 if any is affected or not covered by the snapshot."""
    snapshot = json.loads((ADVISORIES / "snapshot.json").read_text())
    age = (date.today() - date.fromisoformat(snapshot["date"])).days
    print(f"Offline audit against the PyPA advisory database as of {snapshot['date']} ({age} days old, commit "
          f"{snapshot['commit'][:12]}): it knows no advisory published since.")
    uncovered = sorted(set(packages) - set(snapshot["packages"]))
    for name in uncovered:
        print(f"NOT COVERED {name}: not in the vendored subset; refresh it (python scripts/audit.py --refresh ...).")
    found = 0
    for name, text in packages.items():
        version = _version(text)
        for path in sorted((ADVISORIES / "vulns" / name).glob("*.yaml")):
            advisory = yaml.safe_load(path.read_text())
            if version and affects(advisory, name, version):
                found += 1
                aliases = ", ".join(advisory.get("aliases", []))
                print(f"VULNERABLE {name} {text}: {advisory['id']} ({aliases}), fixed in {fixed_in(advisory)}")
    print(f"{len(packages)} packages, {found} known vulnerabilities, {len(uncovered)} not covered.")
    return 1 if found or uncovered else 0


def refresh(source: Path, snapshot_date: str, commit: str) -> None:
    """Replace security/advisories with the advisories of our dependency closure from a checkout of the database."""
    date.fromisoformat(snapshot_date)  # refuse a malformed date before anything is removed
    folders = {canonicalize_name(p.name): p for p in (source / "vulns").iterdir() if p.is_dir()}
    packages = sorted(closure())
    shutil.rmtree(ADVISORIES / "vulns", ignore_errors=True)
    for name in packages:
        if name in folders:
            shutil.copytree(folders[name], ADVISORIES / "vulns" / name)
    shutil.copy(source / "LICENSE", ADVISORIES / "LICENSE")
    snapshot = {"source": "https://github.com/pypa/advisory-database", "commit": commit, "date": snapshot_date,
                "packages": packages}
    (ADVISORIES / "snapshot.json").write_text(json.dumps(snapshot, indent=1) + "\n")
    covered = sum(name in folders for name in packages)
    print(f"{len(packages)} packages, advisories for {covered} of them, as of {snapshot_date}.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--offline", action="store_true", help="only the vendored snapshot")
    parser.add_argument("--refresh", type=Path, metavar="DIR", help="a checkout of pypa/advisory-database")
    parser.add_argument("--date", help="the checkout's commit date, YYYY-MM-DD (with --refresh)")
    parser.add_argument("--commit", help="the checkout's commit (with --refresh)")
    args = parser.parse_args()
    if args.refresh:
        if not (args.date and args.commit):
            parser.error("--refresh needs --date and --commit: the audit says how old its data is.")
        refresh(args.refresh, args.date, args.commit)
        return 0
    packages = closure()
    result = None if args.offline else online(packages)
    return offline(packages) if result is None else result


if __name__ == "__main__":
    sys.exit(main())
