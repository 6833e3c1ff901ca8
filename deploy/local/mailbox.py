"""Reads the messages the SMTP test server received, as the people of the main flow read their
e-mail: from the directory where smtp_sink.py writes one .eml file each, or, given a URL instead
(http://127.0.0.1:8025 under docker compose), from Mailpit's API.

  mailbox.py list SOURCE [--since EPOCH_SECONDS]
      one JSON object per message, oldest first: file, messageId, to, subject, numbers (the boleta
      numbers it speaks of), text (its plain-text part, decoded)
  mailbox.py initial-password SOURCE EMAIL [--since EPOCH_SECONDS] [--wait SECONDS]
      the initial password of the newest welcome e-mail to EMAIL, read from its lines
      "E-mail de acesso: <email>" and "Senha inicial: <password>"; exits 1 when none arrives
"""

import argparse
import datetime
import email
import email.errors
import email.policy
import html
import json
import pathlib
import re
import sys
import time
import urllib.request

BOLETA_NUMBER = re.compile(r"\b1\d{8}\b")


def text_of(message: email.message.EmailMessage) -> str:
    """The plain-text part, or the HTML part as text (its tags dropped, line breaks kept)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_subtype() == "html":
        content = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d)>", "\n", content)
        content = html.unescape(re.sub(r"<[^>]+>", "", content))
    return content


def raw_messages(source: str, since: float) -> list[tuple[str, bytes]]:
    """The name and bytes of each message received at `since` or later, oldest first."""
    if source.startswith(("http://", "https://")):
        base = source.rstrip("/")
        with urllib.request.urlopen(f"{base}/api/v1/messages?limit=1000") as answer:
            listed = json.load(answer).get("messages") or []
        found = []
        for item in listed:
            created = datetime.datetime.fromisoformat(item["Created"].replace("Z", "+00:00")).timestamp()
            if created >= since:
                with urllib.request.urlopen(f"{base}/api/v1/message/{item['ID']}/raw") as answer:
                    found.append((created, item["ID"], answer.read()))
        return [(name, raw) for _, name, raw in sorted(found)]
    directory = pathlib.Path(source)
    return [(path.name, path.read_bytes()) for path in sorted(directory.glob("*.eml")) if path.stat().st_mtime >= since]


def read(source: str, since: float) -> list[dict]:
    messages = []
    for name, raw in raw_messages(source, since):
        try:
            messages.append(summary(name, email.message_from_bytes(raw, policy=email.policy.default)))
        except (ValueError, LookupError, email.errors.MessageError) as error:
            # A message this reader cannot take apart is named, not allowed to hide the others.
            print(f"mailbox.py: {name} cannot be read: {error}", file=sys.stderr)
    return messages


def summary(name: str, message: email.message.EmailMessage) -> dict:
    text = text_of(message)
    subject = str(message.get("Subject", ""))
    return {
        "file": name,
        "messageId": str(message.get("Message-ID", "")).strip(),
        "to": [address.addr_spec for header in message.get_all("To", []) for address in header.addresses],
        "subject": subject,
        "numbers": sorted({int(n) for n in BOLETA_NUMBER.findall(subject + "\n" + text)}),
        "text": text,
    }


def initial_password(messages: list[dict], address: str) -> str | None:
    for message in reversed(messages):
        fields = dict(re.findall(r"^\s*(E-mail de acesso|Senha inicial):\s*(\S+)\s*$", message["text"], re.M))
        if fields.get("E-mail de acesso", "").lower() == address.lower() and "Senha inicial" in fields:
            return fields["Senha inicial"]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list")
    listing.add_argument("source", help="the SMTP test server's directory, or Mailpit's URL")
    listing.add_argument("--since", type=float, default=0)
    password = commands.add_parser("initial-password")
    password.add_argument("source", help="the SMTP test server's directory, or Mailpit's URL")
    password.add_argument("email")
    password.add_argument("--since", type=float, default=0)
    password.add_argument("--wait", type=float, default=0)
    arguments = parser.parse_args()

    if arguments.command == "list":
        for message in read(arguments.source, arguments.since):
            print(json.dumps(message, ensure_ascii=False))
        return 0
    deadline = time.monotonic() + arguments.wait
    while True:
        found = initial_password(read(arguments.source, arguments.since), arguments.email)
        if found is not None:
            print(found)
            return 0
        if time.monotonic() >= deadline:
            print(f"no welcome e-mail to {arguments.email} in {arguments.source}", file=sys.stderr)
            return 1
        time.sleep(0.25)


if __name__ == "__main__":
    sys.exit(main())
