"""``manage.py reindex [--kind article|case]``: rebuild the search index, with a progress bar on stderr."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandParser, OutputWrapper

from soridam.kb.indexing import article_documents
from soridam.kb.models import Article
from soridam.search.backends import refresh_statistics
from soridam.search.bulk import reindex_cases
from soridam.search.engine import Document, index_documents
from soridam.search.indexing import BATCH, clear

BAR_WIDTH = 30


def progress(docs: Iterable[Document], total: int, label: str, stream: OutputWrapper) -> Iterator[Document]:
    done = 0
    for done, doc in enumerate(docs, 1):
        yield doc
        if done % BATCH == 0 or done == total:
            filled = BAR_WIDTH * done // max(total, 1)
            stream.write(f"\r{label:<8} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
            stream.flush()
    stream.write("")


class Command(BaseCommand):
    help = "Rebuild the search index of help-centre articles and cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", choices=["article", "case"], action="append", help="only this kind")

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = options["kind"] or ["article", "case"]
        if "article" in kinds:
            clear("article")
            index_documents(progress(article_documents(), Article.objects.count(), "articles", self.stderr))
        if "case" in kinds:
            reindex_cases(lambda done, total: self._bar("cases", done, total))
            self.stderr.write("")
        refresh_statistics()

    def _bar(self, label: str, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        self.stderr.write(f"\r{label:<8} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}", ending="")
        self.stderr.flush()
