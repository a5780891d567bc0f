import json

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..tools.mapping_resolvers import OdooResolvers
from .common import IntegrationCase, make_integration_users

HANDLER = "integration.handler.mapping"


class MappingCase(IntegrationCase):
    """A contact mapping from an acquired plant's ERP: codes, a status table, nested contacts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contacts = cls.make_flow("contact.sync", HANDLER, state="draft")
        cls.env["integration.value.map"].create(
            {
                "name": "contact_type",
                "endpoint_id": cls.endpoint.id,
                "flow_id": cls.contacts.id,
                "line_ids": [
                    (0, 0, {"external_value": "C", "internal_value": "contact"}),
                    (0, 0, {"external_value": "INV", "internal_value": "invoice"}),
                    (0, 0, {"external_value": "DLV", "internal_value": "delivery"}),
                ],
            }
        )
        cls.mapping = cls.make_mapping(
            cls.contacts,
            [
                {"source": "code", "target": "ref", "required": True, "transforms": "strip"},
                {"source": "name", "target": "name", "required": True, "transforms": "strip"},
                {"source": "mail", "target": "email", "transforms": "strip | lower"},
                {
                    "source": "kind",
                    "target": "type",
                    "default": "C",
                    "transforms": "upper | value_map contact_type",
                },
                {"source": "company", "target": "parent_id", "transforms": "xref res.partner"},
            ],
            key_path="code",
        )
        cls.mapping.line_ids.create(
            {
                "mapping_id": cls.mapping.id,
                "source": "people",
                "target": "child_ids",
                "has_children": True,
                "child_ids": [
                    (0, 0, {"source": "name", "target": "name", "required": True}),
                    (0, 0, {"source": "mail", "target": "email", "transforms": "lower"}),
                ],
            }
        )

    @classmethod
    def make_mapping(cls, flow, lines, model="res.partner", **values):
        return cls.env["integration.mapping"].create(
            dict(
                name=f"{flow.code} mapping",
                flow_id=flow.id,
                model_id=cls.env["ir.model"]._get_id(model),
                line_ids=[(0, 0, line) for line in lines],
                **values,
            )
        )

    def go_live(self, flow=None):
        flow = flow or self.contacts
        flow.action_approve()
        flow.action_activate()

    def enqueue(self, payload, flow=None):
        return self.env["integration.message"].enqueue(flow or self.contacts, payload)

    def partner(self, code):
        return self.env["integration.xref"]._resolve(self.endpoint, "res.partner", code)


@tagged("post_install", "-at_install")
class TestMappingHandler(MappingCase):
    def test_a_repeated_master_data_message_updates_the_same_record(self):
        self.go_live()
        first = self.enqueue(
            {
                "code": " C-1 ",
                "name": "Nordic Castings",
                "mail": " Sales@Nordic.example ",
                "kind": "inv",
                "people": [{"name": "Anna", "mail": "ANNA@nordic.example"}, {"name": "Bruno"}],
            }
        )
        self.run_queue()
        self.assertEqual(first.state, "done", first.error)
        partner = self.partner("C-1")
        self.assertEqual(first._result_records(), partner)
        self.assertEqual(
            (partner.name, partner.email, partner.type),
            ("Nordic Castings", "sales@nordic.example", "invoice"),
        )
        self.assertEqual(partner.child_ids.mapped("name"), ["Anna", "Bruno"])
        self.assertEqual(partner.child_ids[0].email, "anna@nordic.example")
        second = self.enqueue(
            {"code": "C-1", "name": "Nordic Castings AB", "people": [{"name": "Clara"}]}
        )
        self.run_queue()
        self.assertEqual(second.state, "done", second.error)
        self.assertEqual(self.partner("C-1"), partner, "updated, not duplicated")
        self.assertEqual(partner.name, "Nordic Castings AB")
        self.assertEqual(partner.email, "sales@nordic.example", "absent values are not touched")
        self.assertEqual(partner.type, "contact", "the default C maps to contact")
        self.assertEqual(partner.child_ids.mapped("name"), ["Clara"], "lines are replaced")
        count = self.env["res.partner"].search_count([("name", "like", "Nordic Castings")])
        self.assertEqual(count, 1)

    def test_every_issue_is_reported_and_nothing_is_written(self):
        self.go_live()
        message = self.enqueue(
            {
                "code": "C-2",
                "name": "  ",
                "kind": "XX",
                "company": ["C-1"],
                "people": [{"mail": "x@example.com"}],
            }
        )
        self.run_queue()
        self.assertEqual(message.state, "failed")
        self.assertFalse(self.partner("C-2"))
        error = message.error
        for expected in (
            "name -> name",
            "kind -> type",
            "'XX'",
            "company -> parent_id",
            "people.0.name -> name",
            "4 mapping issue(s)",
        ):
            self.assertIn(expected, error)
        self.assertEqual(message.exception_id.category, "validation")

    def test_an_unknown_reference_parks_the_message_until_it_arrives(self):
        self.go_live()
        child = self.enqueue({"code": "C-4", "name": "Plant 2", "company": "C-3"})
        self.run_queue()
        self.assertEqual(child.state, "waiting")
        self.assertEqual((child.waiting_model, child.waiting_code), ("res.partner", "C-3"))
        self.assertEqual(child.exception_id.category, "missing_master_data")
        parent = self.enqueue({"code": "C-3", "name": "Nordic Group"})
        self.run_queue()
        self.run_queue()
        self.assertEqual((parent.state, child.state), ("done", "done"))
        self.assertEqual(self.partner("C-4").parent_id, self.partner("C-3"))
        self.assertEqual(len(child.attempt_ids.filtered(lambda a: a.outcome == "done")), 1)

    def test_a_flow_without_an_approved_mapping_fails_clearly(self):
        flow = self.make_flow("contact.bare", HANDLER)
        message = self.enqueue({"code": "C-5", "name": "X"}, flow=flow)
        self.run_queue()
        self.assertEqual(message.state, "failed")
        self.assertIn("has no approved mapping", message.error)

    def test_outbound_renders_what_odoo_owns_with_external_codes(self):
        flow = self.make_flow("contact.export", HANDLER, direction="outbound", state="draft")
        mapping = self.make_mapping(
            flow,
            [
                {"source": "id", "target": "customer.code", "transforms": "xref res.partner"},
                {"source": "name", "target": "customer.name"},
                {"source": "type", "target": "kind", "transforms": "value_map contact_type"},
                {"source": "parent_id.name", "target": "group"},
                {"source": "phone", "target": "phone"},
            ],
        )
        self.env["integration.value.map"].create(
            {
                "name": "contact_type",
                "endpoint_id": self.endpoint.id,
                "line_ids": [(0, 0, {"external_value": "I", "internal_value": "invoice"})],
            }
        )
        self.go_live(flow)
        group = self.env["res.partner"].create({"name": "Nordic Group"})
        partner = self.env["res.partner"].create(
            {"name": "Nordic Castings", "type": "invoice", "parent_id": group.id, "phone": "+46 1"}
        )
        self.env["integration.xref"]._link(self.endpoint, "C-9", partner)
        self.env["integration.ownership"].create(
            {
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "field_id": self.env["ir.model.fields"]._get("res.partner", "phone").id,
                "owner": "endpoint",
                "endpoint_id": self.endpoint.id,
            }
        )
        message = self.env["integration.message"].enqueue(flow, {"id": partner.id})
        request = self.env[HANDLER]._prepare_outbound(message)
        self.assertEqual(
            request["body"],
            {
                "customer": {"code": "C-9", "name": "Nordic Castings"},
                "kind": "I",
                "group": "Nordic Group",
            },
            "the endpoint's own table is used; the phone the endpoint owns is not exported",
        )
        self.assertEqual(mapping.state, "active")


@tagged("post_install", "-at_install")
class TestMappingConfiguration(MappingCase):
    def test_transforms_are_checked_when_saved(self):
        line = self.mapping.line_ids[0]
        for text, problem in (
            ("decmal 2", "unknown transform 'decmal'"),
            ("strip || upper", "'||' is not a separator"),
            ("strip |", "must stand between two steps"),
            ("decimal 2 3", "too many parameters"),
            ('date "%d.%m', "cannot read the transforms"),
        ):
            with self.subTest(text=text), self.assertRaisesRegex(ValidationError, problem):
                line.transforms = text
        line.transforms = 'strip | datetime "%d.%m.%Y %H:%M" Europe/Berlin | lower'
        spec_line = line._line_spec()
        self.assertEqual(
            spec_line.transforms,
            [
                {"name": "strip"},
                {"name": "datetime", "format": "%d.%m.%Y %H:%M", "tz": "Europe/Berlin"},
                {"name": "lower"},
            ],
        )

    def test_problems_are_listed_before_approval(self):
        self.mapping.line_ids.create(
            [
                {"mapping_id": self.mapping.id, "source": "x", "target": "no_such_field"},
                {"mapping_id": self.mapping.id, "source": "y", "target": "name"},
                {
                    "mapping_id": self.mapping.id,
                    "source": "z",
                    "target": "email",
                    "transforms": "uom to_uom=kg",
                },
            ]
        )
        with self.assertRaises(UserError) as caught:
            self.mapping.action_submit()
        text = str(caught.exception)
        self.assertIn("res.partner has no field no_such_field", text)
        self.assertIn("another line writes the same target", text)
        self.assertIn("from_uom and from_uom_path", text)
        self.assertEqual(self.mapping.state, "draft")

    def test_units_convert_through_odoo_units_and_cross_references(self):
        gram = self.env.ref("uom.product_uom_gram")
        self.env["integration.xref"]._link(self.endpoint, "GRM", gram)
        resolvers = OdooResolvers(self.env, self.endpoint, self.contacts)
        self.assertAlmostEqual(resolvers.convert_uom(2500.0, "g", "kg"), 2.5)
        self.assertAlmostEqual(resolvers.convert_uom(1.5, "kg", "GRM"), 1500.0)
        line = self.mapping.line_ids.filtered(lambda line: line.target == "email")
        line.write(
            {
                "source": "weight",
                "target": "partner_latitude",
                "transforms": "uom from_uom_path=unit to_uom=kg | decimal 3",
            }
        )
        for payload, expected in (
            ({"weight": "1234.5", "unit": "GRM"}, 1.235),
            ({"weight": 2, "unit": "kg"}, 2.0),
        ):
            result = self.mapping._evaluate(dict(payload, code="C", name="N"))
            self.assertEqual(result.errors, [])
            self.assertAlmostEqual(result.values["partner_latitude"], expected)
        result = self.mapping._evaluate({"code": "C", "name": "N", "weight": 1, "unit": "m"})
        self.assertEqual([i.code for i in result.errors], ["incompatible_units"])
        result = self.mapping._evaluate({"code": "C", "name": "N", "weight": 1, "unit": "bag"})
        self.assertEqual([i.code for i in result.errors], ["unknown_unit"])
        result = self.mapping._evaluate({"code": "C", "name": "N", "weight": 1, "unit": "%"})
        self.assertEqual([i.code for i in result.errors], ["unknown_unit"], "no LIKE wildcard")

    def test_a_flow_is_approved_before_it_runs(self):
        with self.assertRaisesRegex(UserError, "approve it first"):
            self.contacts.action_activate()
        self.contacts.action_approve()
        self.assertEqual(self.contacts.state, "approved")
        self.assertEqual(self.contacts.mapping_id, self.mapping, "its draft mapping is approved")
        self.assertEqual(self.mapping.state, "active")
        self.assertEqual(self.mapping.approved_by_id, self.env.user)
        self.contacts.action_activate()
        self.assertEqual(self.contacts.state, "active")

    def test_a_mapping_flow_cannot_be_approved_without_a_usable_mapping(self):
        flow = self.make_flow("contact.none", HANDLER, state="draft")
        with self.assertRaisesRegex(UserError, "add one first"):
            flow.action_approve()
        self.make_mapping(flow, [{"source": "a", "target": "nope"}])
        with self.assertRaisesRegex(UserError, "has no field nope"):
            flow.action_approve()
        self.assertEqual(flow.state, "draft")

    def test_changing_an_active_flow_mapping_goes_through_approval(self):
        self.go_live()
        with self.assertRaisesRegex(UserError, "create a new version"):
            self.mapping.line_ids[0].transforms = "upper"
        with self.assertRaisesRegex(UserError, "create a new version"):
            self.mapping.key_path = "name"
        action = self.mapping.action_new_version()
        draft = self.env["integration.mapping"].browse(action["res_id"])
        self.assertEqual((draft.version, draft.state), (2, "draft"))
        nested = draft.line_ids.filtered("has_children")
        self.assertEqual(nested.child_ids.mapped("target"), ["name", "email"])
        self.assertEqual(nested.child_ids.mapping_id, draft)
        self.assertEqual(len(draft.line_ids), len(self.mapping.line_ids))
        draft.line_ids.filtered(lambda line: line.target == "name").transforms = "strip | upper"
        draft.action_submit()
        self.assertTrue(self.contacts.mapping_pending)
        before = self.enqueue({"code": "C-7", "name": "still version one"})
        self.run_queue()
        self.assertEqual(self.partner("C-7").name, "still version one")
        user = make_integration_users(self.env)["user"]
        with self.assertRaises(AccessError):
            draft.with_user(user).action_approve()
        draft.action_approve()
        self.assertEqual(self.contacts.mapping_id, draft)
        self.assertEqual(self.mapping.state, "superseded")
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            draft.unlink()
        self.assertFalse(self.contacts.mapping_pending)
        after = self.enqueue({"code": "C-8", "name": "version two"})
        self.run_queue()
        self.assertEqual((before.state, after.state), ("done", "done"))
        self.assertEqual(self.partner("C-8").name, "VERSION TWO")


@tagged("post_install", "-at_install")
class TestMappingArchive(MappingCase):
    def test_the_mapping_a_flow_uses_cannot_be_archived_or_deleted(self):
        self.go_live()
        self.assertEqual(self.contacts.mapping_id, self.mapping)
        with self.assertRaisesRegex(UserError, "A flow uses this mapping version"):
            self.mapping.action_archive()
        with self.assertRaises(UserError):
            self.mapping.unlink()
        draft = self.env["integration.mapping"].browse(self.mapping.action_new_version()["res_id"])
        draft.action_archive()
        self.assertFalse(draft.active, "an unused draft version is archived")


class TestMappingPreview(MappingCase):
    def preview(self, **values):
        wizard = self.env["integration.mapping.preview"].create(
            dict(mapping_id=self.mapping.id, **values)
        )
        wizard.action_preview()
        return wizard

    def test_a_pasted_payload_shows_the_values(self):
        wizard = self.preview(payload='{"code": "C-1", "name": " Nordic ", "kind": "dlv"}')
        self.assertEqual(wizard.issue_count, 0)
        self.assertIn('"type": "delivery"', wizard.result)
        self.assertIn('"name": "Nordic"', wizard.result)
        self.assertFalse(self.partner("C-1"), "a preview writes nothing")

    def test_a_received_message_shows_every_issue(self):
        message = self.enqueue({"code": "C-1", "kind": "??", "company": {"code": 1}})
        wizard = self.preview(message_id=message.id)
        self.assertEqual(wizard.issue_count, 3)
        self.assertEqual(wizard.issue_summary, "3 issues found")
        self.assertIn("name -> name: is required but absent", wizard.result)
        self.assertIn("'??' is not in table 'contact_type'", wizard.result)
        self.assertIn("company -> parent_id", wizard.result)

    def test_the_example_payload_is_shaped_like_the_mapping(self):
        wizard = self.env["integration.mapping.preview"].create({"mapping_id": self.mapping.id})
        example = json.loads(wizard.payload)
        sources = {line.source.split(".")[0] for line in self.mapping.line_ids if line.source}
        self.assertEqual(set(example), sources)
        self.assertEqual(example["code"], "<code>")
        self.assertEqual(example["people"], [{"name": "<name>", "mail": "<mail>"}])
        wizard.action_preview()
        self.assertIn("issue", wizard.issue_summary)
        self.assertNotIn("issue", wizard.result.splitlines()[0], "the count is said once")

    def test_bad_samples_and_bad_mappings_are_explained(self):
        self.assertIn("not valid JSON", self.preview(payload="{code: 1}").result)
        self.assertIn("Paste a payload", self.preview(payload=False).result)
        self.mapping.line_ids[0].target = "nope"
        wizard = self.preview(payload="{}")
        self.assertIn("The mapping is not ready", wizard.result)
        self.assertIn("no field nope", wizard.result)
