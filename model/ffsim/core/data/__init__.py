"""Package data: the sourced defaults of the regions and drivers (TOML)."""
