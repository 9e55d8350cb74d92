"""The forecast's backtest MAPE on this database's history (R-ANALYTICS-3): per channel and overall."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from soridam.analytics import forecast
from soridam.channels.kinds import Channel


class Command(BaseCommand):
    help = "Fit the weekday × hour forecast on the weeks before the last 14 days, and report its MAPE on them."

    def handle(self, *args: Any, **options: Any) -> None:
        last_day = timezone.localdate() - timedelta(days=1)
        for channel in ["", *Channel.values]:
            series = forecast.history(channel, last_day=last_day)
            if not series:
                continue
            mape = forecast.backtest_mape(series, last_day)
            shown = "no data" if mape is None else f"{mape:.1%}"
            contacts = sum(series.values())
            self.stdout.write(f"{channel or 'all channels':<12} MAPE {shown:>7} ({contacts:,.0f} contacts in 10 weeks)")
