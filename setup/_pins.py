"""Which Python packages Odoo 18.0 needs, with which pins, and what to do when a pin fails.

Plain logic of ``bootstrap.py``: read a requirements file for this Python (environment markers
evaluated), choose between the source's own pins and Odoo 18.0's shipped ones, and read pip's
output to name the requirement that could not be installed.
"""

import re
import sys
from pathlib import Path

ODOO_PINS = Path(__file__).resolve().parent / "odoo-18.0-requirements.txt"
ODOO_PINS_PYTHON = (3, 11)

# Packages Odoo lists that need system libraries only one addon uses: when neither the pin nor
# the newest release installs, they are left out with this advice instead of stopping.
OPTIONAL = {
    "python-ldap": "only Odoo's auth_ldap addon uses it; to add it later install the LDAP "
    "headers (Debian/Ubuntu: sudo apt-get install libldap2-dev libsasl2-dev) and run "
    "{python} -m pip install python-ldap",
}

_NO_MATCH = re.compile(r"No matching distribution found for ([A-Za-z0-9._-]+)")
_FAILED_BUILD = re.compile(r"Failed (?:to build|building wheel for) ([A-Za-z0-9._ -]+)")
_COLLECTING = re.compile(r"^Collecting ([A-Za-z0-9._-]+)")


def Requirement(text):
    """packaging's Requirement of ``text``: from packaging, else from the copy pip carries
    (the bootstrapping Python may have neither: bootstrap.py then lends the new environment's)."""
    try:
        from packaging.requirements import Requirement as requirement_class  # noqa: PLC0415
    except ImportError:
        from pip._vendor.packaging.requirements import (  # noqa: PLC0415
            Requirement as requirement_class,
        )
    return requirement_class(text)


def canonical(name):
    """The normalised form of a distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_requirements(path):
    """The requirements of ``path`` that apply to this Python: {canonical name: Requirement}."""
    wanted = {}
    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            wanted[canonical(requirement.name)] = requirement
    return wanted


def is_pinned(requirement):
    return any(spec.operator == "==" for spec in requirement.specifier)


def choose(source_requirements, shipped_path=ODOO_PINS, python=None):
    """The requirements to install and a note saying where their pins come from.

    A source whose list pins every package is used as it is. One that names a package without a
    version is a snapshot: on Python 3.11 Odoo 18.0's shipped list replaces it, and the names
    only the snapshot has are added unpinned.
    """
    python = tuple(python or sys.version_info[:2])
    if all(is_pinned(req) for req in source_requirements.values()):
        return dict(source_requirements), "the source's own pins"
    if python != ODOO_PINS_PYTHON:
        return dict(source_requirements), (
            f"the source pins nothing and Odoo 18.0's pins shipped here are for Python "
            f"{'.'.join(map(str, ODOO_PINS_PYTHON))}: the newest releases"
        )
    chosen = read_requirements(shipped_path)
    for name, requirement in source_requirements.items():
        chosen.setdefault(name, requirement)
    return chosen, f"Odoo 18.0's pins for Python 3.11 ({Path(shipped_path).name})"


def failing_requirement(pip_output, names):
    """The canonical name among ``names`` that made pip fail, or None when it cannot tell.

    pip names it in "No matching distribution found for X" or "Failed to build X"; a failure
    while preparing a package's metadata only follows its "Collecting X" line.
    """
    names = set(names)
    for pattern in (_NO_MATCH, _FAILED_BUILD):
        for match in pattern.finditer(pip_output):
            for candidate in match.group(1).split():
                if canonical(candidate) in names:
                    return canonical(candidate)
    collecting = [m.group(1) for m in map(_COLLECTING.match, pip_output.splitlines()) if m]
    if collecting and "error" in pip_output.lower():
        last = canonical(re.split(r"[<>=!~;\[ ]", collecting[-1])[0])
        return last if last in names else None
    return None


def relax(requirements, name, python):
    """Apply the fallback for ``name`` in place; return the sentence that tells the user.

    A pinned requirement becomes unpinned (the newest release); an unpinned optional one is
    left out; anything else cannot be helped and gives None.
    """
    requirement = requirements[name]
    if is_pinned(requirement):
        requirements[name] = Requirement(requirement.name)
        return (
            f"{requirement.name}{requirement.specifier} has no build that installs on Python "
            f"{sys.version_info.major}.{sys.version_info.minor} here: falling back to its newest "
            "release"
        )
    if name in OPTIONAL:
        del requirements[name]
        return f"{requirement.name} left out: " + OPTIONAL[name].format(python=python)
    return None


def requirement_lines(requirements):
    """The requirements as the lines of a requirements file, sorted by name."""
    return [str(requirements[name]) for name in sorted(requirements)]
