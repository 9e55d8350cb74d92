"""What the help-centre pages show: the category tree with its article links, and suggestion rows."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse

from soridam.kb.models import Article, Category, Visibility, live_articles


@dataclass
class CategoryNode:
    category: Category
    name: str
    articles: list[Article] = field(default_factory=list)
    children: list[CategoryNode] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.articles and all(child.is_empty for child in self.children)


def category_tree(language: str) -> list[CategoryNode]:
    """The whole tree in two queries; branches without a public article in ``language`` are left out."""
    nodes = {category.pk: CategoryNode(category, category.name_for(language)) for category in Category.objects.all()}
    articles = live_articles().filter(visibility=Visibility.PUBLIC, language=language, category__isnull=False)
    for article in articles.only("pk", "title", "category_id", "position"):
        nodes[article.category_id].articles.append(article)  # type: ignore[index]
    roots: list[CategoryNode] = []
    children: dict[int, list[CategoryNode]] = defaultdict(list)
    for node in nodes.values():
        parent_id = node.category.parent_id
        (children[parent_id] if parent_id in nodes else roots).append(node)
    for node in nodes.values():
        node.children = children[node.category.pk]
    return [node for node in roots if not node.is_empty]


def category_path(category: Category | None, language: str) -> list[tuple[str, str]]:
    """Breadcrumbs from the root to ``category``: (name, url) pairs. The tree is shallow; a cycle stops."""
    path: list[tuple[str, str]] = []
    seen: set[int] = set()
    while category is not None and category.pk not in seen:
        seen.add(category.pk)
        path.append((category.name_for(language), reverse("kb:category", args=[category.slug])))
        category = category.parent
    return path[::-1]


@dataclass(frozen=True)
class Suggestion:
    key: int
    title: str
    url: str


def article_url(article_id: int) -> str:
    return reverse("kb:article", args=[article_id])
