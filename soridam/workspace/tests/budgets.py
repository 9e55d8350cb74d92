"""The case page's query budget, in one place for every test that renders it (workspace, channels, orders).

17 before issue 16; the 360 panel then added its orders, notes, tags, repeat-contact flag and the
remedies of the last 12 months (one query each, however long the history).
Issue 19 added one INSERT: the access-log entry of the view (R-SEC-5).
"""

CASE_PAGE_QUERIES = 23
