"""Cuts and lints Gateway-ready subsets of vendor OpenAPI specs."""
