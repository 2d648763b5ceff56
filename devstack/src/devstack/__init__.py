"""Local stand-ins for what AWS hosts, so the whole system runs on one machine."""
