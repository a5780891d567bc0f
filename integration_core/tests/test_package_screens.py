import base64

from odoo.tests import HttpCase, new_test_user, tagged

from ..lib import package_format
from .browser_capture import IMAGES_ENV, SCREENSHOTS_ENV, capture, save
from .common import with_encryption_key
from .package_common import MANAGER, plant_configuration

IMPORT = "integration.package.import"


def dialog(name, res_model, res_id=False):
    """An action opening a wizard in its dialog (``res_id``: one already filled in)."""
    return {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": res_model,
        "res_id": res_id,
        "views": [[False, "form"]],
        "target": "new",
    }


@tagged("post_install", "-at_install")
class TestPackageScreens(HttpCase):
    """The screens of configuration packages in Chromium: what a manager sees of the export,
    the import preview, the plant template and the environment tag. Set INTEGRATION_SCREENSHOTS
    to a folder to keep the pictures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with_encryption_key(cls)
        cls.plant = cls.env["res.company"].create({"name": "Screen Plant 1"})
        cls.new_plant = cls.env["res.company"].create({"name": "Screen Plant 2"})
        cls.config = plant_configuration(cls.env, cls.plant, prefix="SC1")
        companies = cls.plant | cls.new_plant | cls.env.company
        cls.manager = new_test_user(
            cls.env,
            login="screen_manager",
            groups=f"{MANAGER},base.group_multi_company",
            company_id=cls.plant.id,
            company_ids=[(6, 0, companies.ids)],
        )
        cls.cids = "-".join(str(c.id) for c in cls.plant | cls.new_plant)
        cls.env["ir.config_parameter"].set_param("integration.environment_tag", "test")

    def preview(self):
        """An import of the plant's package, changed here and there, ready to apply."""
        document = self.env["integration.package"]._export(self.plant)
        self.config["erp"].write({"url": "https://erp-old.plant.example/api", "read_timeout": 30})
        self.config["stock"].unlink()
        document["environment"] = "production"
        wizard = (
            self.env[IMPORT]
            .with_user(self.manager)
            .create(
                {
                    "package_file": base64.b64encode(package_format.dumps(document)),
                    "file_name": "screen-plant-1-integration-configuration.json",
                    "company_id": self.plant.id,
                }
            )
        )
        wizard.action_preview()
        return wizard

    def shoot(
        self,
        name,
        ready,
        action=None,
        url="/odoo/action-integration_core.integration_endpoint_action",
    ):
        image = capture(self, url, ready, "screen_manager", cids=self.cids, action=action)
        save(name, image, SCREENSHOTS_ENV)
        return image

    def test_import_preview_shows_each_record_and_its_differences(self):
        wizard = self.preview()
        ready = (
            "[...document.querySelectorAll('.modal .o_data_row')].length === %d"
            " && document.querySelector('.modal').innerText.includes("
            "'URL: https://erp-old.plant.example/api -> https://erp.plant.example/api')"
            " && document.querySelector('.modal').innerText.includes('comes from a production')"
            % len(wizard.line_ids)
        )
        image = self.shoot(
            "package-import-preview.png", ready, dialog("Import configuration", IMPORT, wizard.id)
        )
        self.assertLess(len(image), 300 * 1024, "a README image stays small")
        save("package-import-preview.png", image, IMAGES_ENV)

    def test_export_template_and_environment_screens(self):
        wizard = (
            self.env["integration.package.export"]
            .with_user(self.manager)
            .create({"company_id": self.plant.id})
        )
        wizard.action_export()
        self.shoot(
            "package-export.png",
            "!!document.querySelector('.modal .o_field_binary') &&"
            " document.querySelector('.modal').innerText.includes('3 × Flow')",
            dialog("Export configuration", "integration.package.export", wizard.id),
        )
        template = {
            **dialog("New plant from this one", "integration.plant.template"),
            "context": {"default_source_company_id": self.plant.id},
        }
        self.shoot(
            "plant-template.png",
            "!!document.querySelector('.modal') &&"
            " document.querySelector('.modal').innerText.includes('Replace in codes')",
            template,
        )
        self.shoot(
            "environment-tag.png",
            "!!document.querySelector('.o_main_navbar .o_integration_environment .text-bg-warning')"
            " && !!document.querySelector('.modal .o_field_radio')",
            "integration_core.integration_environment_tag_action",
        )

    def test_first_steps_the_record_and_a_flow_with_imported_changes(self):
        self.shoot(
            "package-export-choose.png",
            "!!document.querySelector('.modal') &&"
            " document.querySelector('.modal').innerText.includes('to one JSON file')",
            "integration_core.integration_package_export_action",
        )
        self.shoot(
            "package-import-upload.png",
            "!!document.querySelector('.modal .o_field_binary') &&"
            " document.querySelector('.modal').innerText.includes('nothing changes until')",
            "integration_core.integration_package_import_action",
        )
        self.shoot(
            "package-history-empty.png",
            "!!document.querySelector('.o_view_nocontent')",
            "integration_core.integration_package_history_action",
        )
        wizard = self.preview()
        self.config["items"].write({"retry_cap_seconds": 60})
        wizard.action_preview()
        wizard.action_apply()
        self.shoot(
            "package-history.png",
            "document.querySelectorAll('.o_form_view .o_field_text').length >= 1 &&"
            " document.querySelector('.o_form_view').innerText.includes('create: Flow')",
            url=f"/odoo/action-integration_core.integration_package_history_action/"
            f"{wizard.history_id.id}",
        )
        self.shoot(
            "flow-imported-changes.png",
            "!!document.querySelector('.o_form_view .alert-warning') &&"
            " document.querySelector('.o_form_view').innerText.includes("
            "'Retry cap (seconds): 60 -> 3600')",
            url=f"/odoo/action-integration_core.integration_flow_action/{self.config['items'].id}",
        )
