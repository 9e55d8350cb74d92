"""The case page's query budget, in one place for every test that renders it (workspace, channels, orders).

17 before issue 16; the 360 panel then added its orders, notes, tags, repeat-contact flag and the
remedies of the last 12 months (one query each, however long the history); issue 17's churn-risk flag
counts low CSAT, low NPS and disputes (one query each; a flagged customer's proposed retention remedy is
the policy engine's evaluation, tested in followup). Issue 18's "Open a dispute" button reads the agent's
permissions (their own and their groups': two queries, once per request). Issue 19 added one INSERT: the
access-log entry of the view (R-SEC-5). Issue 13 took three back out: the churn counts are one statement
(three scalar sub-selects) and a user's own and group permissions one (``accounts.backends``), and one
more: the 360 panel's last rating comes from its read of the visible cases (``workspace.customer_panel``).
Issue 13 §3 then moved the 360 panel into its own request after the page (``workspace:case_customer``, htmx):
its eight reads (other cases, identities, orders, notes, tags, repeat contact, churn counts, remedies) left
the page's budget for the panel's, beside the session, user, teams and case that every request reads.
Then (casepage4) 16 -> 11: the assignee and team options, the assignee's name and the names in the timeline
come from the per-process staff directory (``accounts.directory``), the macros from a per-process copy
(``macros.access``), and the tags and investigation tasks are read only when the timeline shows one was ever
added. ``CASE_PAGE_QUERIES`` is a running process's page; its first page also reads those copies and the
categories' (``PROCESS_COPY_QUERIES``: users, memberships, teams, macros, categories).
"""

CASE_PAGE_QUERIES = 11
CUSTOMER_PANEL_QUERIES = 12
PROCESS_COPY_QUERIES = 5
