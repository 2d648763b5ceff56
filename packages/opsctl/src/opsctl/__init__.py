"""Operator commands behind make targets."""
