"""Odoo-aware glue between the models and the plain modules of ``lib``."""
