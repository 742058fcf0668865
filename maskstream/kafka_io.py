"""Kafka clients for the CLI and tests: create topics, produce sample events, consume masked
records read_committed (confluent-kafka)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic


@dataclass(frozen=True)
class Record:
    """A consumed record with its coordinates."""

    topic: str
    partition: int
    offset: int
    value: dict[str, Any]

    @property
    def source_ref(self) -> str:
        return f"kafka:{self.topic}/{self.partition}/{self.offset}"


def create_topic(bootstrap: str, topic: str, partitions: int) -> None:
    """Create `topic` explicitly (brokers should not auto-create); an existing one is fine."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics(
        [NewTopic(topic, num_partitions=partitions, replication_factor=1)]
    )
    try:
        futures[topic].result(timeout=30)
    except KafkaException as e:
        if e.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
            raise


def topic_exists(bootstrap: str, topic: str) -> bool:
    metadata = AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=15)
    return topic in metadata.topics


def produce(
    bootstrap: str, topic: str, events: Iterable[dict[str, Any]], key_field: str | None = None
) -> list[tuple[int, int]]:
    """Produce JSON events (idempotent producer, acks=all); return (partition, offset) of each."""
    payloads = (
        (
            str(event[key_field]).encode() if key_field else None,
            json.dumps(event, ensure_ascii=False).encode("utf-8"),
        )
        for event in events
    )
    return produce_raw(bootstrap, topic, payloads)


def produce_raw(
    bootstrap: str, topic: str, messages: Iterable[tuple[bytes | None, bytes]]
) -> list[tuple[int, int]]:
    """Produce (key, value) byte messages as they are; return (partition, offset) of each."""
    producer = Producer(
        {
            "bootstrap.servers": bootstrap,
            "enable.idempotence": True,
            "linger.ms": 5,
            "message.max.bytes": 1_000_000,
        }
    )
    delivered: list[tuple[int, int]] = []
    errors: list[str] = []

    def on_delivery(err: KafkaError | None, msg: Any) -> None:
        if err is not None:
            errors.append(err.name())  # the error name only: never the payload
        else:
            delivered.append((msg.partition(), msg.offset()))

    for key, value in messages:
        while True:
            try:
                producer.produce(topic, value=value, key=key, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    producer.flush(60)
    if errors:
        raise RuntimeError(f"{len(errors)} records were not delivered: {sorted(set(errors))}")
    return delivered


def consume(
    bootstrap: str,
    topic: str,
    *,
    max_records: int | None = None,
    timeout: float = 10.0,
    idle: float | None = None,
    isolation: str = "read_committed",
) -> Iterator[Record]:
    """Read `topic` from the beginning with a fresh group. Stops after `max_records`, after
    `timeout` seconds, or after `idle` seconds without a record."""
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"maskstream-reader-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "isolation.level": isolation,
        }
    )
    consumer.subscribe([topic])
    count = 0
    deadline = time.monotonic() + timeout
    last = time.monotonic()
    try:
        while time.monotonic() < deadline and (max_records is None or count < max_records):
            msg = consumer.poll(0.5)
            if msg is None:
                if idle is not None and time.monotonic() - last > idle:
                    break
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                raise KafkaException(msg.error())
            last = time.monotonic()
            count += 1
            yield Record(msg.topic(), msg.partition(), msg.offset(), json.loads(msg.value()))
    finally:
        consumer.close()
