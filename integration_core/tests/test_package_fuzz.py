"""Property-based fuzzing (hypothesis) of the package import: whatever a file holds, the preview
and the import end in a result or in one clear UserError, never in another exception."""

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.exceptions import UserError
from odoo.tests import tagged

from .package_common import PackageCase
from .test_security_fuzz import JSON

FUZZ = settings(
    max_examples=80,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestPackageFuzz(PackageCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.document = cls.env["integration.package"]._export(cls.plant)

    def mutated(self, path, value):
        """The package with the value at ``path`` (section, item, field) replaced."""
        document = json.loads(json.dumps(self.document))
        section, index, name = path
        items = document["sections"][section]
        items[index % len(items)][name] = value
        return json.dumps(document).encode()  # ASCII: lone surrogates travel escaped

    @FUZZ
    @given(data=st.data())
    def test_any_value_anywhere_is_a_result_or_a_clear_error(self, data):
        section = data.draw(st.sampled_from(sorted(self.document["sections"])))
        items = self.document["sections"][section]
        index = data.draw(st.integers(min_value=0, max_value=len(items) - 1))
        names = sorted({name for item in items for name in item}) + ["unknown_field"]
        name = data.draw(st.sampled_from(names))
        raw = self.mutated((section, index, name), data.draw(JSON))
        # Any other exception fails the test; the import itself is rolled back.
        with contextlib.suppress(_Rollback, UserError), self.env.cr.savepoint():
            wizard = self.importer(raw)
            wizard.action_apply()
            raise _Rollback()
        self.env.invalidate_all()
