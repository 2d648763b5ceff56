"""Local process and server helpers; import the submodule you need (nothing is imported here)."""
