"""``demo.py --rehearse package.json``: the day played against a plant's own configuration.

The day is the demo plant's (its gearbox orders, Plant 2's transfers and products, the legacy
extract), so the rehearsal database is a demo database (the suite with its demo data) named
for the package, ``rehearse_<file name>``. The package is imported into the demo's company
through the same path as *Configuration packages > Import* (preview, then apply, as admin, an
Integration Manager): its endpoints, flows, mappings, value maps, routing rules... replace the
demo's. It must hold one endpoint of each kind the day talks to, with the demo's codes
(``PLANT1_MES``: mes, ``PLANT2_WMS``: wms, ``PLANT2_ERP``: legacy_erp), which the simulators
are pointed at with new API keys like the demo's. The import is done once per database.
"""

import base64
import json
import re
import subprocess
from pathlib import Path

import _suite

KINDS = {"mes": "PLANT1_MES", "wms": "PLANT2_WMS", "legacy_erp": "PLANT2_ERP"}
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


def read_package(path):
    """The package's bytes, once checked to hold the three endpoints the day needs; exits
    with a clear error otherwise."""
    try:
        raw = Path(path).read_bytes()
        endpoints = json.loads(raw)["sections"]["endpoints"]
        found = {item.get("system_type"): item.get("code") for item in endpoints}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        _suite.fail(f"{path} is not a configuration package with endpoints: {error}", 2)
    missing = [f"{kind} ({code})" for kind, code in KINDS.items() if found.get(kind) != code]
    if missing:
        _suite.fail(
            f"{path} lacks the endpoint(s) the day talks to: {', '.join(missing)}. The package "
            "must hold one endpoint of each kind mes, wms and legacy_erp, coded PLANT1_MES, "
            "PLANT2_WMS and PLANT2_ERP (it configures the demo plant's three systems).",
            2,
        )
    return raw


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
