"""How a simulated system exchanges messages with Odoo: its HTTP API or RabbitMQ.

The flow of a message is its ``message_type``: the URL's last part over HTTP, the routing key
and ``type`` over AMQP.
"""

import contextlib
import gzip
import json

import requests


@contextlib.contextmanager
def amqp_channel(url):
    """A channel on a connection of its own to the broker at ``url``, closed afterwards."""
    import pika  # noqa: PLC0415 - only the AMQP mode needs the broker client

    connection = pika.BlockingConnection(pika.URLParameters(url))
    try:
        yield connection.channel()
    finally:
        connection.close()


class HttpSender:
    """``POST /integration/v1/<endpoint>/<message type>`` with a Bearer API key; ``gzip``:
    compressed, as a remote site on a slow link would send."""

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
            f"{self.base}/integration/v1/{self.endpoint}/{message['message_type']}",
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

        with amqp_channel(self.url) as channel:
            channel.confirm_delivery()
            channel.basic_publish(
                self.exchange,
                message["message_type"],
                json.dumps(message).encode(),
                pika.BasicProperties(
                    delivery_mode=2,
                    content_type="application/json",
                    message_id=message["message_id"],
                    type=message["message_type"],
                ),
                mandatory=True,
            )
        return {"status": "published"}


class AmqpReader:
    """Takes the messages Odoo published to ``queue`` and hands each to a receiver."""

    def __init__(self, url, queue):
        self.url = url
        self.queue = queue

    def drain(self, receiver):
        """Receive every waiting message (ack after handing it over); return how many."""
        taken = 0
        with amqp_channel(self.url) as channel:
            while True:
                method, _properties, body = channel.basic_get(self.queue)
                if method is None:
                    return taken
                self.hand_over(receiver, json.loads(body), method.routing_key)
                channel.basic_ack(method.delivery_tag)
                taken += 1

    def hand_over(self, receiver, message, routing_key):
        """Give one message to the receiver: ``receiver.take(message, routing_key)``."""
        receiver.take(message, routing_key)
