"""Plain Python building blocks of the integration platform (no Odoo import here).

Models stay thin and call into these modules: errors, backoff, signing, secrets, circuit
breaker, and the transports (HTTP, AMQP, file drop).
"""
