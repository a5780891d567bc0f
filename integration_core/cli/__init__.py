from . import amqp_consumer
