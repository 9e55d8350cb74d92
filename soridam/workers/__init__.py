"""Task workers: a heartbeat per ``db_worker`` process, and recovery of tasks whose worker died."""
