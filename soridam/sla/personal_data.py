"""Personal data this app holds (``soridam.privacy.registry``): how to find a person's rows, keep and erase them."""

from __future__ import annotations

from soridam.privacy.registry import NotPersonal

NOT_PERSONAL = [
    NotPersonal("sla.CaseSla", "the case's clock times"),
    NotPersonal("sla.EscalationFired", "which escalation fired and when"),
    NotPersonal("sla.LeadNotice", "a lead's SLA warning: the case reference and the clock"),
]
