"""A local Hevy API v1 (server.py), the account data it serves (data.py) and its fixture (fixtures.py)."""
