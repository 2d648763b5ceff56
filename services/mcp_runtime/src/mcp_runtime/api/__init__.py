"""Client for the accounting API (sevDesk wire format)."""
