"""Typed readers for environment variables.

A bad value stops startup with the variable's name (R-OPS-8). Library code reads
``settings.X`` at call time; only ``settings.py`` calls these.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw not in _TRUE | _FALSE:
        raise ImproperlyConfigured(f"{name} must be true or false, got {raw!r}")
    return raw in _TRUE


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the file named by NAME_FILE (for Docker/Kubernetes secrets)."""
    file_name = os.environ.get(f"{name}_FILE", "").strip()
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc.strerror}") from None
    return os.environ.get(name, "").strip() or default


# Keys that were once published in Soridam's source: anyone can sign survey links and derive the channel
# credential key with them, so startup refuses them.
PUBLISHED_SECRET_KEYS = frozenset({"demo-only-insecure-key-do-not-use-in-production-5f1c9a"})


def refuse_published_key(name: str, value: str) -> str:
    if value in PUBLISHED_SECRET_KEYS:
        raise ImproperlyConfigured(
            f"{name} is a key published in Soridam's source, so anyone could forge signed links with it. "
            f"Unset {name} to let the demo create its own key in var/secret_key, or set a random one "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    return value


def local_secret(path: Path) -> str:
    """The key kept in ``path``; the first call creates it (random, mode 0600), every later call reuses it.

    Several processes may start at once (web workers, the task worker): each writes its own candidate to a
    private temporary file and hard-links it into place, which fails for all but the first, so every process
    ends up reading the same key.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".{path.name}.{os.getpid()}")
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass  # another process was first: use its key
        finally:
            candidate.unlink()
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ImproperlyConfigured(f"{path} is empty: delete it and start again to create a new key")
    return value


def email_settings(name: str, default: str) -> dict[str, object]:
    """Turn EMAIL_URL into Django e-mail settings.

    Schemes: ``smtp://`` (STARTTLS required unless ``?tls=off`` to localhost),
    ``smtps://`` (implicit TLS), ``console://``, ``locmem://``, ``file:///path``.
    """
    raw = env_str(name, default)
    url = urlsplit(raw)
    backends = {
        "smtp": "soridam.channels.email.backend.EmailBackend",  # Django's, knowing when a send is in doubt
        "smtps": "soridam.channels.email.backend.EmailBackend",
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
    }
    if url.scheme not in backends:
        raise ImproperlyConfigured(f"{name} has an unknown scheme {url.scheme!r}: {sorted(backends)}")
    result: dict[str, object] = {"EMAIL_BACKEND": backends[url.scheme]}
    if url.scheme == "file":
        result["EMAIL_FILE_PATH"] = url.path or "var/mail"
        return result
    if url.scheme in {"smtp", "smtps"}:
        result.update(_smtp_settings(name, url))
    return result


def _smtp_settings(name: str, parts: SplitResult) -> dict[str, object]:
    scheme, host = parts.scheme, parts.hostname or ""
    options = parse_qs(parts.query)
    plain = options.get("tls", [""])[0] == "off"
    if plain and host not in {"127.0.0.1", "localhost", "::1"}:
        # Never send a password in clear text to a remote host.
        raise ImproperlyConfigured(f"{name}: tls=off is allowed only for localhost")
    return {
        "EMAIL_HOST": host,
        "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": scheme == "smtp" and not plain,
        "EMAIL_TIMEOUT": 20,
    }
