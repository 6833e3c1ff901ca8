"""An SMTP server for local runs and tests: accepts every message on loopback and writes each
one, as received, to a file of its own in a directory (one .eml per message).

For tests, the answers to DATA can be scripted: --script 451,250 answers the first message with
451 (try again later), the second with 250, and every later one with the --reply code (250 by
default); --reply 550 refuses every message for good. Only accepted messages are written."""

import argparse
import asyncio
import pathlib
import time
import uuid

from aiosmtpd.controller import Controller

REPLIES = {
    250: "250 Message accepted for delivery",
    421: "421 Service not available, closing transmission channel",
    450: "450 Mailbox unavailable, try again later",
    451: "451 Requested action aborted: local error in processing",
    452: "452 Insufficient system storage",
    550: "550 Mailbox unavailable: the message is refused",
    552: "552 Message exceeds the storage allocation",
    554: "554 Transaction failed",
}


class DirectorySink:
    def __init__(self, directory: pathlib.Path, script: list[int], reply: int) -> None:
        self.directory = directory
        self.script = script
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):
        code = self.script.pop(0) if self.script else self.reply
        if code != 250:
            return REPLIES.get(code, f"{code} Scripted reply")
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        partial = self.directory / (name + ".part")
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.directory / name)
        return REPLIES[250]


def reply_code(text: str) -> int:
    code = int(text)
    if not 200 <= code <= 599:
        raise argparse.ArgumentTypeError(f"not an SMTP reply code: {text}")
    return code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--directory", type=pathlib.Path, required=True)
    parser.add_argument(
        "--script", default="", help="reply codes for the first messages, in order, separated by commas")
    parser.add_argument("--reply", type=reply_code, default=250, help="the reply once the script is used up")
    arguments = parser.parse_args()
    arguments.directory.mkdir(parents=True, exist_ok=True)
    script = [reply_code(part) for part in arguments.script.split(",") if part.strip()]

    sink = DirectorySink(arguments.directory, script, arguments.reply)
    controller = Controller(sink, hostname=arguments.host, port=arguments.port)
    controller.start()
    try:
        asyncio.run(asyncio.Event().wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
