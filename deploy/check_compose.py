"""Checks that deploy/docker-compose.yml and the local scripts describe the same system: the same
services, binaries, ports, environment variables and health endpoints. Exits 1 naming every
difference; prints one line per check and a closing count."""

import pathlib
import re
import sys

import yaml

DEPLOY = pathlib.Path(__file__).resolve().parent
SERVICES = ["identity", "boleta", "approval", "mail"]
# Set by deploy/local/services.sh itself rather than by an env file.
SET_BY_SCRIPT = {
    "identity": {"JWT_SIGNING_KEY", "MAIL_SEAL_PUBLIC_KEY", "BOOTSTRAP_SUPPORT_EMAIL", "BOOTSTRAP_SUPPORT_PASSWORD"},
    "mail": {"MAIL_SEAL_SECRET_KEY"},
}
SCRIPT_DEFAULT = {"JWT_PUBLIC_KEY"}
# Compose-only settings: what a container needs that the local defaults already provide.
COMPOSE_ONLY: dict[str, set[str]] = {}


def read_env(path: pathlib.Path) -> dict[str, str]:
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def main() -> int:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    common = read_env(DEPLOY / "local" / "env" / "common.env")
    failures, passed = [], 0

    def check(condition: bool, message: str) -> None:
        nonlocal passed
        if condition:
            passed += 1
        else:
            failures.append(message)

    services = compose.get("services", {})
    for name in ["postgres", "rabbitmq", "mailpit", *SERVICES]:
        check(name in services, f"compose has no service {name}")
    check("management" in services.get("rabbitmq", {}).get("image", ""), "rabbitmq image lacks the management plugin")

    for name in SERVICES:
        service = services.get(name, {})
        local = {**common, **read_env(DEPLOY / "local" / "env" / f"{name}.env")}
        expected = set(local) | SET_BY_SCRIPT.get(name, set()) | SCRIPT_DEFAULT | COMPOSE_ONLY.get(name, set())
        environment = service.get("environment", {})
        check(set(environment) == expected,
              f"{name}: compose variables differ from local: only in compose {sorted(set(environment) - expected)}, "
              f"only local {sorted(expected - set(environment))}")
        port = local.get("HTTP_PORT")
        check(str(environment.get("HTTP_PORT")) == port, f"{name}: HTTP_PORT {environment.get('HTTP_PORT')} != {port}")
        check(f"{port}:{port}" in service.get("ports", []), f"{name}: port {port} not published")
        check(service.get("command") == [f"{name}-service"], f"{name}: command is not {name}-service")
        health = " ".join(service.get("healthcheck", {}).get("test", []))
        check(f"http://127.0.0.1:{port}/readyz" in health, f"{name}: health check is not /readyz on {port}")
        depends = service.get("depends_on", {})
        for needed in ["postgres", "rabbitmq"]:
            check(depends.get(needed, {}).get("condition") == "service_healthy",
                  f"{name}: does not wait for {needed} to be healthy")
        for variable, value in environment.items():
            check(not re.search(r"(?i)password|secret|key", variable) or str(value).startswith("${"),
                  f"{name}: {variable} holds a literal secret")

    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
