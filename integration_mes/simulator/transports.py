"""How the simulated MES exchanges messages with the ERP: integration_core's simulator kit
(HTTP API, optionally gzip-compressed, or RabbitMQ), work orders handed to the plant."""

from . import kit

HttpSender = kit.HttpSender
AmqpSender = kit.AmqpSender


class AmqpWorkOrderReader(kit.AmqpReader):
    """Takes the work orders the ERP published to ``queue`` and hands them to the plant."""

    def hand_over(self, receiver, message, routing_key):
        receiver.receive(message)
