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


def check_volumes(compose: dict, check) -> None:
    """Every named volume a service mounts is declared, and every declared one is mounted."""
    declared = set((compose.get("volumes") or {}).keys())
    used = set()
    for name, service in compose.get("services", {}).items():
        for volume in service.get("volumes", []):
            source = str(volume).split(":", 1)[0]
            if not source.startswith((".", "/")):
                used.add(source)
                check(source in declared, f"{name}: volume {source} is not declared")
    check(bool(declared) and declared <= used, f"named volumes declared but not mounted: {sorted(declared - used)}")
    for name in ["postgres", "rabbitmq", "mailpit"]:
        mounts = [str(v).split(":", 1)[0] for v in compose.get("services", {}).get(name, {}).get("volumes", [])]
        check(any(m in declared for m in mounts), f"{name} keeps its data in no named volume")


def check_secrets(compose: dict, check) -> None:
    """No literal secret in any service; every ${VARIABLE} is in .env.example and the other way round."""
    text = (DEPLOY / "docker-compose.yml").read_text()
    referenced = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    example = read_env(DEPLOY / ".env.example")
    check(referenced == set(example),
          f".env.example and the compose file differ: only in compose {sorted(referenced - set(example))}, "
          f"only in .env.example {sorted(set(example) - referenced)}")
    for name, service in compose.get("services", {}).items():
        environment = service.get("environment", {})
        for variable, value in environment.items():
            check(not re.search(r"(?i)password|secret|key|_pass$", variable) or str(value).startswith("${"),
                  f"{name}: {variable} holds a literal secret")
        for value in environment.values():
            for user_info in re.findall(r"://([^@/]*)@", str(value)):
                check(":" not in user_info or "${" in user_info.split(":", 1)[1],
                      f"{name}: a URL holds a literal password")


# The Debian runtime package of each library Package.swift links through pkg-config.
RUNTIME_PACKAGES = {
    "libpq": "libpq5", "librabbitmq": "librabbitmq4", "libmicrohttpd": "libmicrohttpd12", "libcurl": "libcurl4",
    "libsodium": "libsodium23", "pangocairo": "libpangocairo-1.0-0",
}


def check_dockerfile(check) -> None:
    """Two stages: built on the Swift image, run on slim Debian with the runtime libraries only."""
    text = (DEPLOY / "Dockerfile").read_text()
    stages = re.split(r"(?m)^FROM ", text)[1:]
    check(len(stages) >= 2, "the Dockerfile is not multi-stage")
    if len(stages) < 2:
        return
    check(re.match(r"swift:\S+ AS build", stages[0]) is not None, "the first stage is not the Swift image, named build")
    check(re.match(r"debian:\S+-slim\b", stages[-1]) is not None, "the last stage is not a slim Debian image")
    runtime = stages[-1]
    check("-dev" not in runtime, "the runtime stage installs development packages")
    check("COPY --from=build" in runtime, "the runtime stage does not copy the binaries from the build stage")
    manifest = (DEPLOY.parent / "Package.swift").read_text()
    for library in re.findall(r'pkgConfig: "([^"]+)"', manifest):
        package = RUNTIME_PACKAGES.get(library)
        check(package is not None and re.search(rf"\b{re.escape(package or '?')}\b", runtime) is not None,
              f"the runtime stage lacks the runtime package of {library}")
    check("fonts-dejavu-core" in runtime, "the runtime stage lacks the font the boleta PDF is set in (DejaVu Sans)")
    for service in SERVICES:
        check(f"{service}-service" in stages[0], f"the build stage does not build {service}-service")


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

    for name in ["postgres", "rabbitmq", "mailpit"]:
        check(bool(services.get(name, {}).get("healthcheck", {}).get("test")), f"{name} has no health check")
    rabbitmq_ports = [str(port) for port in services.get("rabbitmq", {}).get("ports", [])]
    check("5672:5672" in rabbitmq_ports, "rabbitmq does not publish AMQP (5672) for the systems that publish PATs")
    check("15672:15672" in rabbitmq_ports, "rabbitmq does not publish its management interface (15672)")
    mail = services.get("mail", {})
    check(mail.get("depends_on", {}).get("mailpit", {}).get("condition") == "service_healthy",
          "mail does not wait for mailpit to be healthy")
    check(mail.get("environment", {}).get("SMTP_URL") == "smtp://mailpit:1025",
          "mail does not send through mailpit:1025")

    check_volumes(compose, check)
    check_secrets(compose, check)
    check_dockerfile(check)
    services_script = (DEPLOY / "local" / "services.sh").read_text()
    check('/readyz"' in services_script, "deploy/local/services.sh does not wait on /readyz as the health checks do")
    check("HTTP_PORT" in (DEPLOY / "local" / "main-flow.sh").read_text(),
          "deploy/local/main-flow.sh does not take the ports from deploy/local/env")

    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
