"""Admin for publishing: core."""
