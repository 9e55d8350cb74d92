"""Pure settlement algorithms (SPEC §3.4). The odr-algo branch owns this package; these are the minimal
§3.4 A/B implementations the dispute process calls, kept to the agreed signatures."""
