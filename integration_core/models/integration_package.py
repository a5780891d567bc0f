"""Configuration packages: export a plant's integration configuration, plan and apply an import.

The sections (``integration.package.section`` and the models inheriting it) know the records;
``lib/package_format`` knows the file. This model puts them together for the wizards, which
check the caller is an integration manager before they call it.
"""

from collections import namedtuple

import psycopg2

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.translate import translate_sql_constraint

from ..lib import package_format
from ..lib.package_format import PackageError, Target
from ..tools import environment_tag

# What an export covers: the plant (company), its endpoints and their flows.
Scope = namedtuple("Scope", "company endpoints flows")


class IntegrationPackage(models.AbstractModel):
    _name = "integration.package"
    _description = "Integration Configuration Package"

    @api.model
    def _sections(self):
        """Every section installed, in import order (what others refer to first)."""
        names = self.env.registry["integration.package.section"]._inherit_children
        sections = [self.env[name] for name in names]
        return sorted(sections, key=lambda s: (s._package_sequence, s._name))

    @api.model
    def _section_specs(self):
        return {s._package_section: (s._package_key, s._package_label) for s in self._sections()}

    # ------------------------------------------------------------------ export
    @api.model
    def _export(self, company, endpoints=None):
        """The package document of ``company``'s configuration (``endpoints``: a part of its
        endpoints, all of them by default)."""
        Endpoint = self.env["integration.endpoint"]
        if not endpoints:
            endpoints = Endpoint.search([("company_id", "=", company.id)])
        wrong = endpoints.filtered(lambda e: e.company_id != company)
        if wrong:
            raise UserError(
                self.env._(
                    "%(codes)s belong to another plant than %(plant)s.",
                    codes=", ".join(wrong.mapped("code")),
                    plant=company.name,
                )
            )
        scope = Scope(company, endpoints, endpoints.flow_ids)
        content, modules = {}, {"integration_core"}
        for section in self._sections():
            items, records = section._package_export(scope)
            if items:
                content[section._package_section] = items
                modules |= section._package_modules(records)
        document = {
            "environment": environment_tag.current(self.env)[0],
            "format": package_format.FORMAT,
            "format_version": package_format.FORMAT_VERSION,
            "modules": self._installed_versions(modules),
            "plant": company.name,
            "sections": content,
        }
        try:  # what this database exports, it can import: refuse what it could not
            package_format.check_envelope(document, self._section_specs())
        except PackageError as error:
            raise UserError(
                self.env._("This configuration cannot be exported: %s", error)
            ) from None
        return document

    @api.model
    def _installed_versions(self, names):
        modules = (
            self.env["ir.module.module"]
            .sudo()
            .search([("name", "in", sorted(names)), ("state", "=", "installed")])
        )
        return {module.name: module.latest_version for module in modules}

    # ------------------------------------------------------------------ import
    @api.model
    def _read(self, raw):
        """``(document, notes)`` of a package file; PackageError when it cannot be imported."""
        document = package_format.read(raw, self.env["integration.message"]._max_payload_bytes())
        package_format.check_envelope(document, self._section_specs())
        errors, notes = package_format.module_problems(
            document["modules"], self._installed_versions(document["modules"])
        )
        if errors:
            raise PackageError(" ".join(errors))
        here = environment_tag.current(self.env)[0]
        if document["environment"] != here:
            notes.insert(
                0,
                self.env._(
                    "The package comes from a %(origin)s database; this database is %(here)s.",
                    origin=environment_tag.labels(self.env)[document["environment"]].lower(),
                    here=environment_tag.labels(self.env)[here].lower(),
                ),
            )
        return document, notes

    @api.model
    def _plan(self, document, company):
        """Every item of ``document`` as a Change: what importing it into ``company`` does."""
        target = Target(company)
        changes = []
        for section in self._sections():
            items = document["sections"].get(section._package_section, [])
            changes += section._package_plan(items, target)
        return changes

    @api.model
    def _apply(self, changes, company):
        """Apply the planned changes, all or nothing (the caller's transaction)."""
        sections = {s._package_section: s for s in self._sections()}
        target = Target(company)
        change = None
        try:
            with self.env.cr.savepoint():
                for change in changes:
                    sections[change.section]._package_apply(change, target)
                    self.env.flush_all()  # a refusal names the record it comes from
        except (UserError, ValidationError, psycopg2.IntegrityError) as error:
            what = sections[change.section]._package_what(change.item)
            message = self._error_sentence(error)
            raise UserError(
                self.env._("Nothing was imported. %(what)s: %(error)s", what=what, error=message)
            ) from None

    @api.model
    def _error_sentence(self, error):
        """What went wrong, in the words of the model (a constraint's own message)."""
        if isinstance(error, psycopg2.IntegrityError):
            name = error.diag.constraint_name
            if name in self.env.registry._sql_constraints:
                return translate_sql_constraint(self.env.cr, name, self.env.lang or "en_US")
        return error.args[0] if error.args else str(error)
