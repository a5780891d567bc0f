import ast
from pathlib import Path

from odoo.tests import BaseCase, tagged

ADDON = Path(__file__).resolve().parent.parent


def imported_modules(path):
    """Every module ``path`` imports, relative ones with their dots (``..models.x``)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.update([base] if node.module else (base + a.name for a in node.names))
    return names


@tagged("post_install", "-at_install")
class TestLayering(BaseCase):
    """The consumer command and the plain modules stand below the models: the consumer loads
    no model module of its own, lib/ is plain Python and tools/ serves models, not the reverse."""

    @staticmethod
    def is_own_models(name):
        """Whether module ``name`` is under this addon's models/ (relative or absolute)."""
        own = name.startswith(".") or name.startswith("odoo.addons.integration_core.")
        return own and "models" in name.split(".")

    def assert_no_models_import(self, folder):
        for path in sorted((ADDON / folder).glob("*.py")):
            wrong = {name for name in imported_modules(path) if self.is_own_models(name)}
            self.assertFalse(wrong, f"{folder}/{path.name} imports {sorted(wrong)}")

    def test_cli_lib_and_tools_import_nothing_under_models(self):
        for folder in ("cli", "lib", "tools"):
            self.assert_no_models_import(folder)

    def test_lib_is_plain_python(self):
        for path in sorted((ADDON / "lib").glob("*.py")):
            odoo = {name for name in imported_modules(path) if name.split(".")[0] == "odoo"}
            self.assertFalse(odoo, f"lib/{path.name} imports {sorted(odoo)}")
