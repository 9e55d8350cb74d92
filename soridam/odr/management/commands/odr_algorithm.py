"""``python manage.py odr_algorithm NAME --json``: one JSON object on stdin, one JSON object on stdout, computed
by the same code the product uses (README, "ODR algorithms"). Bad input: a message on stderr, exit code 2,
nothing on stdout."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from soridam.odr.algorithms.exact import AlgorithmInputError
from soridam.odr.algorithms.jsonio import ALGORITHMS, run

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Run one settlement algorithm (SPEC §3.4) on a JSON object read from standard input."
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("name", choices=sorted(ALGORITHMS))
        parser.add_argument("--json", action="store_true", help="read and print JSON (the only format)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["json"]:
            raise CommandError("give --json: the input and output are JSON objects", returncode=BAD_INPUT)
        stream = options.get("stdin") or sys.stdin
        try:
            payload = json.loads(stream.read())
        except (ValueError, RecursionError) as error:  # JSONDecodeError, or a number too long to read
            raise CommandError(f"the input is not JSON: {error}", returncode=BAD_INPUT) from None
        try:
            result = run(options["name"], payload)
        except (AlgorithmInputError, ZeroDivisionError, OverflowError) as error:
            raise CommandError(f"{options['name']}: {error}", returncode=BAD_INPUT) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False))
