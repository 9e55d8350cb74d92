"""A dispute's case file for one side: JSON and readable HTML, every event that side may see (R-ODR-10).

The staff administrator's file (role ``neutral``) has every public and neutral item; a party's file has
what its page has. The JSON carries each event's audit hash, so a reader can check it against the chain.
"""

from __future__ import annotations

from typing import Any

from soridam.odr.models import Decision, Dispute, Obligation
from soridam.odr.presenters import items_for, rounds_for
from soridam.odr.visibility import visible_to


def case_file(dispute: Dispute, role: str) -> dict[str, Any]:
    return {
        "dispute": dispute.pk,
        "case": dispute.case.reference,
        "state": dispute.state,
        "pack": {"code": dispute.pack_code, "version": dispute.pack_version},
        "issues": dispute.issues,
        "desired_outcome": dispute.desired_outcome,
        "desired_amount": dispute.desired_amount,
        "events": [
            {
                "kind": e.kind,
                "role": e.role,
                "visibility": e.visibility,
                "at": e.created_at.isoformat(),
                "data": e.data,
                "audit_hash": e.audit_hash,
            }
            for e in dispute.events.order_by("id")
            if visible_to(e, role)
        ],
        "items": [
            {
                "id": i.pk,
                "kind": i.kind,
                "author": i.author_role,
                "visibility": i.visibility,
                "body": i.body,
                "file": i.filename,
                "sha256": i.sha256,
                "at": i.created_at.isoformat(),
                "late": i.late,
            }
            for i in items_for(dispute, role)
        ],
        "rounds": [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
            for r in rounds_for(dispute, role)
        ],
        "obligations": [_obligation(o) for o in dispute.obligations.order_by("id")],
        "decisions": [_decision(d) for d in dispute.decisions.order_by("id")],
    }


def _obligation(o: Obligation) -> dict[str, Any]:
    met = o.met_at.isoformat() if o.met_at else None
    return {"remedy": o.remedy, "amount": o.amount, "due": o.due_at.isoformat(), "met": met, "evidence": o.evidence}


def _decision(d: Decision) -> dict[str, Any]:
    return {
        "kind": d.kind,
        "reasons": d.reasons,
        "remedy": d.remedy,
        "amount": d.amount,
        "rule_version": d.rule_version,
        "algorithm_version": d.algorithm_version,
        "evidence_ids": d.evidence_ids,
        "answers": d.answers,
    }
