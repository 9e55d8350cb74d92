"""Personal data: detection and masking (``pii``, pure), who may reveal (``access``), the one presenter every
surface calls (``presenter.shown``) and the access log of every reveal (``models.AccessLog``).

``pii`` imports nothing from Soridam, so ``lib`` (the log chain) may use it; the rest sits on the models layer
and never imports ``web``, ``workspace`` or ``cases.actions``.
"""
