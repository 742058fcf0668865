"""Create the PyFlink TableEnvironment a job runs in, configured from the layered config."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pyflink.common import Configuration, JobClient
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.table import EnvironmentSettings, StreamTableEnvironment, TableEnvironment

from jobs.config import check_jars
from jobs.key_handoff import move_key_value_to_file
from jobs.project import find_project


def use_project_logging() -> None:
    """Point the JVM that PyFlink starts at the project's log4j configuration and log/ folder
    (rather than the wheel's own folder inside site-packages). Must run before the first
    TableEnvironment of the process; explicit environment settings win."""
    project = find_project()
    log_dir = Path(os.environ.setdefault("FLINK_LOG_DIR", str(project.data_root / "log")))
    log_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LOG4J_PROPERTIES", str(project.conf_dir / "log4j.properties"))


# Jars the JVM's own classpath must hold, not only pipeline.jars: Iceberg's catalog and Hadoop
# configuration classes are loaded by the planner outside the job's class loader.
SYSTEM_CLASSPATH_JARS = (
    "hadoop-client-",
    "commons-logging-",
    "iceberg-flink-runtime-",
    "maskstream-iceberg-sink-",
    "sqlite-jdbc-",
)


def use_system_classpath_jars(flink_conf: dict[str, str]) -> None:
    """Put the pipeline.jars that must be on the JVM's classpath into HADOOP_CLASSPATH, which
    PyFlink adds to the classpath of the JVM it starts (the embedded MiniCluster). A cluster's
    own lib/ holds them already (scripts/session-cluster.sh, docker/Dockerfile)."""
    if "HADOOP_CLASSPATH" in os.environ:
        return
    jars = [
        url.removeprefix("file://")
        for url in filter(None, flink_conf.get("pipeline.jars", "").split(";"))
        if Path(url).name.startswith(SYSTEM_CLASSPATH_JARS)
    ]
    if jars:
        os.environ["HADOOP_CLASSPATH"] = os.pathsep.join(jars)


def _configuration(flink_conf: dict[str, str]) -> Configuration:
    """The Flink configuration of a job, with the project's logging set up and the token key out
    of the environment before the JVM starts (PyFlink starts it with a copy of os.environ)."""
    check_jars(flink_conf)
    use_system_classpath_jars(flink_conf)
    use_project_logging()
    move_key_value_to_file()
    conf = Configuration()
    for key, value in flink_conf.items():
        conf.set_string(key, value)
    if not conf.contains_key("python.executable"):
        # The embedded MiniCluster starts Python workers with this interpreter: the one that
        # has maskstream and its dependencies installed.
        conf.set_string("python.executable", sys.executable)
    return conf


def create_table_env(flink_conf: dict[str, str]) -> TableEnvironment:
    """A streaming TableEnvironment; options are applied at creation so checkpointing and the
    restart strategy reach the execution environment."""
    conf = _configuration(flink_conf)
    settings = EnvironmentSettings.new_instance().in_streaming_mode().with_configuration(conf)
    return TableEnvironment.create(settings.build())


T = TypeVar("T")


def is_planner_thread_race(error: BaseException) -> bool:
    """FLINK-36298's failure (see planned). The text is only searched, never shown."""
    text = str(error)
    return "NullPointerException" in text and "etadataHandlerProvider" in text


def planned(t_env: TableEnvironment, submit: Callable[[], T]) -> T:
    """`submit()`, a call that plans SQL (an INSERT, a statement set, a conversion to a
    DataStream), with Calcite's metadata provider bound on the Java thread that will plan it.

    Why (FLINK-36298): Calcite reads the provider from a thread-local. py4j serves each of its
    connections on its own Java thread, and opens another when two Python threads call at once
    (a garbage-collection callback in a helper thread is enough); a later call of this thread
    may then be served by a Java thread that never had the provider, and planning fails with
    "NullPointerException: metadataHandlerProvider" — and keeps failing in this environment.
    py4j hands the most recently returned connection to the next call, so setting the provider
    right before `submit()` sets it on the thread that runs it (as Flink's SQL gateway does
    before each operation)."""
    _bind_metadata_provider(t_env)
    return submit()


def _bind_metadata_provider(t_env: TableEnvironment) -> None:
    from pyflink.java_gateway import get_gateway

    gateway = get_gateway()
    # The planner's own classes: flink-table-planner-loader loads them in a class loader of
    # their own, so they are reached through it, by reflection.
    loader = t_env._j_tenv.getPlanner().getClass().getClassLoader()
    java_class, java_object = gateway.jvm.java.lang.Class, gateway.jvm.java.lang.Object
    flink = loader.loadClass(
        "org.apache.flink.table.planner.plan.metadata.FlinkDefaultRelMetadataProvider"
    )
    instance = flink.getMethod("INSTANCE", gateway.new_array(java_class, 0)).invoke(
        None, gateway.new_array(java_object, 0)
    )
    types = gateway.new_array(java_class, 1)
    types[0] = loader.loadClass("org.apache.calcite.rel.metadata.RelMetadataProvider")
    args = gateway.new_array(java_object, 1)
    args[0] = instance
    janino = loader.loadClass("org.apache.calcite.rel.metadata.JaninoRelMetadataProvider")
    provider = janino.getMethod("of", types).invoke(None, args)
    base = loader.loadClass("org.apache.calcite.rel.metadata.RelMetadataQueryBase")
    base.getField("THREAD_PROVIDERS").get(None).set(provider)


def stop_with_savepoint(job_client: JobClient, directory: str) -> str:
    """Stop a job with a savepoint and return its path.

    PyFlink 2.2's JobClient.stop_with_savepoint calls a Java overload that no longer exists (it
    lacks the format type), so this calls the Java client directly.
    """
    from pyflink.java_gateway import get_gateway

    canonical = get_gateway().jvm.org.apache.flink.core.execution.SavepointFormatType.CANONICAL
    future = job_client._j_job_client.stopWithSavepoint(False, directory, canonical)
    return str(future.get())


def create_stream_table_env(
    flink_conf: dict[str, str],
) -> tuple[StreamExecutionEnvironment, StreamTableEnvironment]:
    """A StreamTableEnvironment and its execution environment, for jobs that mix SQL with the
    DataStream API."""
    env = StreamExecutionEnvironment.get_execution_environment(_configuration(flink_conf))
    return env, StreamTableEnvironment.create(env)
