"""How the simulated MES exchanges messages with the ERP: HTTP API or RabbitMQ."""

import gzip
import json

import requests

FLOW_OF = {
    "production.performance": "production.performance",
    "equipment.event": "equipment.event",
    "quality.result": "quality.result",
}


class HttpSender:
    """``POST /integration/v1/<endpoint>/<flow>`` with a Bearer API key; ``gzip``: compressed,
    as a remote plant on a slow link would send."""

    def __init__(self, odoo_url, endpoint, api_key, timeout=30, gzip=False):
        self.base = odoo_url.rstrip("/")
        self.endpoint = endpoint
        self.api_key = api_key
        self.timeout = timeout
        self.gzip = gzip

    def send(self, message):
        body = json.dumps(message).encode()
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.api_key}"}
        if self.gzip:
            body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
        response = requests.post(
            f"{self.base}/integration/v1/{self.endpoint}/{FLOW_OF[message['message_type']]}",
            data=body,
            headers=headers,
            timeout=self.timeout,
        )
        return {"status": response.status_code, "body": response.json()}


class AmqpSender:
    """Persistent messages with publisher confirms; the flow is the message ``type``."""

    def __init__(self, url, exchange):
        self.url = url
        self.exchange = exchange

    def send(self, message):
        import pika  # noqa: PLC0415 - only the AMQP mode needs the broker client

        connection = pika.BlockingConnection(pika.URLParameters(self.url))
        try:
            channel = connection.channel()
            channel.confirm_delivery()
            channel.basic_publish(
                self.exchange,
                FLOW_OF[message["message_type"]],
                json.dumps(message).encode(),
                pika.BasicProperties(
                    delivery_mode=2,
                    content_type="application/json",
                    message_id=message["message_id"],
                    type=FLOW_OF[message["message_type"]],
                ),
                mandatory=True,
            )
        finally:
            connection.close()
        return {"status": "published"}


class AmqpWorkOrderReader:
    """Takes the work orders the ERP published to ``queue`` and hands them to the plant."""

    def __init__(self, url, queue):
        self.url = url
        self.queue = queue

    def drain(self, plant):
        """Receive every waiting work order (ack after recording it); return how many."""
        import pika  # noqa: PLC0415 - only the AMQP mode needs the broker client

        connection = pika.BlockingConnection(pika.URLParameters(self.url))
        taken = 0
        try:
            channel = connection.channel()
            while True:
                method, _properties, body = channel.basic_get(self.queue)
                if method is None:
                    return taken
                plant.receive(json.loads(body))
                channel.basic_ack(method.delivery_tag)
                taken += 1
        finally:
            connection.close()
