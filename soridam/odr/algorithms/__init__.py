"""The settlement algorithms of SPEC §3.4, as pure functions over exact numbers.

Nothing here touches Django or the database: every module takes plain values (``int`` KRW, ``Fraction``) and
returns frozen dataclasses, so a dispute's log can replay any suggestion bit for bit. Each module carries a
``VERSION`` string; a change of behaviour must change it, because replay pins it (``jsonio.replay``).

- ``bidding``: double-blind bidding (§3.4 A)
- ``commit``: commit-reveal sealing of a bid (§3.4 B), mirrored by ``static/odr/commit.js``
- ``smartsettle``: the Smartsettle-like overlap, small-gap closer and expert-neutral decision (§3.4 C)
- ``adjusted_winner``: Brams–Taylor Adjusted Winner (§3.4 D)
- ``nash``: the Nash bargaining solution, money interval, segment and outcome list (§3.4 E)
- ``final_offer``: final-offer arbitration with night-baseball and high–low (§3.4 F)
- ``jsonio``: the JSON shapes of ``manage.py odr_algorithm`` and of the algorithm cards
"""
