"""Filling an AlimTalk template, and checking a text against one.

Kakao compares what is sent with the reviewed template: the text must be the body with each ``#{변수}``
replaced, and at most 1,000 characters once filled (channels.md §2.3). A notice that would be refused is
refused here, naming the variable or the length, before any request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.translation import gettext as _

from soridam.channels.kakao_alimtalk.models import AlimTalkTemplate, TemplateStatus

MAX_CHARS = 1000
VARIABLE = re.compile(r"#\{([^{}\n]+)\}")


class TemplateRefused(ValueError):
    """The notice cannot be sent with this template; the message says why."""


def variables_in(body: str) -> list[str]:
    """The template's variable names, each once, in order of appearance."""
    return list(dict.fromkeys(VARIABLE.findall(body)))


def render(template: AlimTalkTemplate, values: Mapping[str, str]) -> str:
    """The body with every variable filled from ``values``; refused when the template is not approved,
    a variable has no value, a value names no variable, or the text is longer than Kakao takes."""
    if template.status != TemplateStatus.APPROVED:
        raise TemplateRefused(_("The template %(code)s is not approved yet.") % {"code": template.code})
    names = variables_in(template.body)
    missing = [name for name in names if not str(values.get(name, "")).strip()]
    if missing:
        raise TemplateRefused(_("No value for #{%(name)s}.") % {"name": missing[0]})
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise TemplateRefused(_("The template has no variable #{%(name)s}.") % {"name": unknown[0]})
    text = VARIABLE.sub(lambda match: str(values[match.group(1)]), template.body)
    if len(text) > MAX_CHARS:
        raise TemplateRefused(
            _("The filled template is %(size)d characters; AlimTalk takes %(limit)d.")
            % {"size": len(text), "limit": MAX_CHARS}
        )
    return text


def matches(body: str, text: str) -> bool:
    """Whether ``text`` is ``body`` with some value in each variable: the check Kakao makes."""
    parts = VARIABLE.split(body)  # literal, name, literal, name, ..., literal
    groups: dict[str, str] = {}
    pattern = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pattern.append(re.escape(part))
        elif part in groups:
            pattern.append(f"(?P={groups[part]})")  # the same variable twice holds the same value
        else:
            groups[part] = f"v{len(groups)}"
            pattern.append(f"(?P<{groups[part]}>.+?)")
    return re.fullmatch("".join(pattern), text, flags=re.DOTALL) is not None
