"""The compose file and Dockerfile, checked statically (no Docker engine here): they parse,
images are pinned, every file they reference exists, and the submit command is the README's."""

from __future__ import annotations

import re

import pytest
import yaml

from jobs.config import load_config
from jobs.sql_files import load_sql_file
from tests.paths import REPO

DOCKER = REPO / "docker"
COMPOSE = yaml.safe_load((DOCKER / "compose.yaml").read_text())
DOCKERFILE = (DOCKER / "Dockerfile").read_text()


def _services() -> dict:
    return COMPOSE["services"]


def test_compose_has_the_session_cluster_kafka_and_a_submitter() -> None:
    assert {"kafka", "kafka-init", "jobmanager", "taskmanager", "submit"} <= set(_services())
    assert _services()["taskmanager"]["command"] == "taskmanager"
    assert "jobmanager" in _services()["taskmanager"]["depends_on"]
    assert _services()["kafka-init"]["depends_on"]["kafka"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ["kafka", "kafka-init", "jobmanager", "taskmanager", "submit"])
def test_every_image_is_pinned(name: str) -> None:
    image = _services()[name]["image"]
    assert re.fullmatch(r"[\w./-]+:\d[\w.-]*", image), image


def test_dockerfile_bases_are_pinned_to_the_design_versions() -> None:
    bases = re.findall(r"^FROM (\S+)", DOCKERFILE, re.MULTILINE)
    assert "flink:2.2.1-java17" in bases
    assert all(re.fullmatch(r"[\w./-]+:\d[\w.-]*", b) for b in bases)


def test_every_file_the_dockerfile_copies_exists() -> None:
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE, re.MULTILINE):
        for item in source.split():
            assert (REPO / item).exists(), item
    pom = re.search(r"^COPY (build/jars/pom.xml)", DOCKERFILE, re.MULTILINE)
    assert pom and (REPO / pom.group(1)).exists()


def test_the_image_installs_the_package_and_names_its_project_folder() -> None:
    # Not editable: what is shipped with `--pyFiles` comes from site-packages, and conf/ and
    # sql/ from the project folder the variable names (jobs/project.py).
    assert re.search(r"^RUN pip install --no-cache-dir \.$", DOCKERFILE, re.MULTILINE)
    assert "-e ." not in DOCKERFILE
    workdir = re.search(r"^WORKDIR (\S+)$", DOCKERFILE, re.MULTILINE)
    assert workdir and f"ENV MASKSTREAM_PROJECT_DIR={workdir.group(1)}" in DOCKERFILE
    for folder in ("conf", "sql"):
        assert re.search(rf"^COPY {folder} \./{folder}$", DOCKERFILE, re.MULTILINE)


def test_every_path_compose_references_exists_or_is_made_by_make_up() -> None:
    flink = _services()["jobmanager"]
    assert (DOCKER / flink["build"]["context"] / flink["build"]["dockerfile"]).exists()
    for volume in flink["volumes"]:
        host = volume.split(":")[0]
        if host.startswith("."):
            assert (DOCKER / host).resolve().exists(), host
    secret = DOCKER / COMPOSE["secrets"]["token_key"]["file"]
    assert "docker/secrets/token.key" in (REPO / "Makefile").read_text()
    assert secret.resolve() == (REPO / "docker/secrets/token.key").resolve()


def test_keys_reach_the_cluster_as_a_file_never_a_value() -> None:
    env = _services()["taskmanager"]["environment"]
    assert env["MASKSTREAM_TOKEN_KEY_FILE"] == "/run/secrets/token_key"
    assert "MASKSTREAM_TOKEN_KEY" not in env


def test_the_submit_command_is_the_one_the_readme_gives() -> None:
    readme = (REPO / "README.md").read_text()
    command = _services()["submit"]["command"][0]
    for line in command.strip().splitlines():
        if line.startswith("maskstream submit"):
            assert line in readme, line


def test_compose_profile_loads_with_its_ddl() -> None:
    config = load_config("compose")
    assert config.variables["KAFKA_BOOTSTRAP"] == "kafka:9092"
    for path in sorted(config.sql_dir.glob("*.sql")):
        assert load_sql_file(path, config.sql_variables())
