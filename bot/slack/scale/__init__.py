"""Scaling out: with REDIS_URL, web processes queue requests in Redis (RQ) and any number of
``python -m bot worker`` processes, on any number of machines, check them and reply."""
