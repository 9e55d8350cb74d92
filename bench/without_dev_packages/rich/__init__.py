"""Stands in for `rich` when bench/stack_memory.py measures the stack as `make run` installs it.

`rich` is installed only with the development requirements (import-linter and schemathesis need it), but structlog
imports it whenever it is present, to format tracebacks: about 10 MiB in every Django process (rich, markdown-it
and pygments). `make install` (requirements.txt) does not install it, so the benchmark hides it with this
module on PYTHONPATH; ``--with-dev-packages`` measures the development virtualenv as it is."""

raise ImportError("rich is a development-only package: not installed by `make run`")
