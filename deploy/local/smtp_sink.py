"""An SMTP server for local runs and tests: accepts every message on loopback and writes each
one, as received, to a file of its own in a directory (one .eml per message)."""

import argparse
import asyncio
import pathlib
import time
import uuid

from aiosmtpd.controller import Controller


class DirectorySink:
    def __init__(self, directory: pathlib.Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        partial = self.directory / (name + ".part")
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.directory / name)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--directory", type=pathlib.Path, required=True)
    arguments = parser.parse_args()
    arguments.directory.mkdir(parents=True, exist_ok=True)

    controller = Controller(DirectorySink(arguments.directory), hostname=arguments.host, port=arguments.port)
    controller.start()
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
