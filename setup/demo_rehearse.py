"""``demo.py --rehearse package.json``: the day played against a plant's own configuration.

The day is the demo plant's (its gearbox orders, Plant 2's transfers and products, the legacy
extract), so the rehearsal database is a demo database (the suite with its demo data) named
for the package, ``rehearse_<file name>``. The package is imported into the demo's company
through the same path as *Configuration packages > Import* (preview, then apply, as admin, an
Integration Manager): its endpoints, flows, mappings, value maps, routing rules... The day then
talks to the package's endpoint of each kind it needs (``mes``, ``wms``, ``legacy_erp``), found
by kind whatever their codes: ``--endpoint kind=CODE`` picks one where a kind has several.
``endpoint_codes`` makes the ``{kind: code}`` the whole day uses (``DEMO_CODES`` without a
package); ``demo_prepare.py`` routes the day's orders and transfers to those endpoints. The
import is done once per database.
"""

import base64
import json
import re
import subprocess
from pathlib import Path

import _suite

# The demo plant's endpoint of each kind the day talks to: the day's codes without a package.
DEMO_CODES = {"mes": "PLANT1_MES", "wms": "PLANT2_WMS", "legacy_erp": "PLANT2_ERP"}
IMPORTED_PARAMETER = "manufacturing_integration.rehearsed_package"
IMPORT_SCRIPT = """
import base64, json
parameters = env["ir.config_parameter"].sudo()
done = parameters.get_param(IMPORTED_PARAMETER)
result = {"imported": done}
if not done:
    env = env(user=env.ref("base.user_admin"))
    wizard = env["integration.package.import"].create({
        "package_file": PACKAGE, "file_name": NAME,
        "company_id": env.ref("base.main_company").id})
    wizard.action_preview()
    result.update(create=wizard.create_count, change=wizard.change_count,
                  unchanged=wizard.unchanged_count, skip=wizard.skip_count,
                  notes=wizard.notes or "")
    wizard.action_apply()
    parameters.set_param(IMPORTED_PARAMETER, NAME)
    env.cr.commit()
print("REHEARSE " + json.dumps(result))
"""


def database_name(path):
    """``rehearse_<file name>``, lower case, letters, digits and underscores."""
    return "rehearse_" + re.sub(r"[^a-z0-9_]+", "_", Path(path).stem.lower()).strip("_")


def parse_choices(values):
    """``{kind: code}`` of the ``--endpoint kind=CODE`` options; exits with a clear error on
    a malformed one or an unknown kind."""
    choices = {}
    for value in values or ():
        kind, _sep, code = value.partition("=")
        kind, code = kind.strip(), code.strip()
        if kind not in DEMO_CODES or not code:
            _suite.fail(
                f"--endpoint {value}: expected KIND=CODE with KIND one of {', '.join(DEMO_CODES)}.",
                2,
            )
        choices[kind] = code
    return choices


def endpoint_codes(path, endpoints, choices):
    """``{kind: code}``: the package's endpoint of each kind the day talks to, its only one
    or the one ``choices`` names; exits naming every kind it cannot settle."""
    problems = []
    codes = {}
    for kind in DEMO_CODES:
        found = [item.get("code") for item in endpoints if item.get("system_type") == kind]
        chosen = choices.get(kind)
        if chosen and chosen not in found:
            listed = ", ".join(found) or "none"
            problems.append(
                f"--endpoint {kind}={chosen}: no {kind} endpoint {chosen} (it has: {listed})"
            )
        elif chosen or len(found) == 1:
            codes[kind] = chosen or found[0]
        elif found:
            problems.append(
                f"several {kind} endpoints ({', '.join(found)}): pick one with "
                f"--endpoint {kind}=CODE"
            )
        else:
            problems.append(f"no {kind} endpoint")
    if problems:
        _suite.fail(
            f"{path} cannot be rehearsed: " + "; ".join(problems) + ". The day talks to one "
            "endpoint of each kind mes, wms and legacy_erp (system type).",
            2,
        )
    return codes


def read_package(path, choices=None):
    """``(bytes, {kind: code})`` of the package: its bytes and the endpoint of each kind the
    day talks to (``endpoint_codes``); exits with a clear error otherwise."""
    try:
        raw = Path(path).read_bytes()
        endpoints = json.loads(raw)["sections"]["endpoints"]
        if not all(isinstance(item, dict) for item in endpoints):
            raise TypeError("an endpoint is not an object")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        _suite.fail(f"{path} is not a configuration package with endpoints: {error}", 2)
    return raw, endpoint_codes(path, endpoints, choices or {})


def import_package(database, path, raw):
    """Import the package into ``database`` (once); print what the preview showed."""
    command = _suite.odoo_command("shell", "-d", database, "--no-http", "--log-level=warn")
    settings = (
        f"PACKAGE = {base64.b64encode(raw)!r}\nNAME = {Path(path).name!r}\n"
        f"IMPORTED_PARAMETER = {IMPORTED_PARAMETER!r}\n"
    )
    result = subprocess.run(
        command, input=settings + IMPORT_SCRIPT, capture_output=True, text=True, check=False
    )
    for line in result.stdout.splitlines():
        if line.startswith("REHEARSE "):
            answer = json.loads(line.removeprefix("REHEARSE "))
            if answer["imported"]:
                print(f"Package {answer['imported']} imported in {database} already.")
            else:
                print(
                    f"Package {Path(path).name} imported into {database}: {answer['create']} "
                    f"created, {answer['change']} changed, {answer['unchanged']} unchanged, "
                    f"{answer['skip']} skipped. {answer['notes']}".rstrip(),
                    flush=True,
                )
            return
    _suite.fail(f"The package could not be imported:\n{result.stderr[-3000:]}", 1)
